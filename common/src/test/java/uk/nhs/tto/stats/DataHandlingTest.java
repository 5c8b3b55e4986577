package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Incomplete rows, clients seen once, split fits and merged moments: each checked against an independent route to
 * the same answer (a fit of the pre-filtered data, the other execution path, or lme4's reference values).
 */
@ExtendWith(SparkExtension.class)
class DataHandlingTest {

  private static final Formula DID = Formula.parse("score ~ time*cohort + (1|service_id/client_id)");
  private static List<Row> did40;

  @BeforeAll
  static void load() {
    did40 = ReferenceData.rows("did40.csv");
  }

  private static Dataset<Row> did40(SparkSession spark) {
    return spark.read().option("header", "true").option("inferSchema", "true")
        .csv(ReferenceData.file("did40.csv").toString());
  }

  /** did40 with the response of every 50th row, and the cohort of every 97th, set missing. */
  private static List<Row> withGaps() {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < did40.size(); i++) {
      Row r = did40.get(i);
      Object[] v = new Object[r.length()];
      for (int c = 0; c < v.length; c++) {
        v[c] = r.get(c);
      }
      if (i % 50 == 0) {
        v[r.fieldIndex("score")] = null;
      }
      if (i % 97 == 0) {
        v[r.fieldIndex("cohort")] = null;
      }
      out.add(new GenericRowWithSchema(v, r.schema()));
    }
    return out;
  }

  @Test
  void incompleteRowsAreDroppedCountedAndFitAsIfFilteredFirst(SparkSession spark) {
    List<Row> gaps = withGaps();
    List<Row> complete = gaps.stream().filter(r -> !r.isNullAt(r.fieldIndex("score"))
        && !r.isNullAt(r.fieldIndex("cohort"))).toList();
    long expectedDropped = gaps.size() - complete.size();
    // 24,116 rows: 483 multiples of 50, 249 of 97, 5 of both (of 4,850) → 727 dropped.
    assertThat(expectedDropped).isEqualTo(727);

    LmmFit filtered = MixedModel.fit(complete, DID, FitOptions.reml());
    LmmFit inMemory = MixedModel.fit(gaps, DID, FitOptions.reml());
    // The same gaps made in Spark (one small file is one partition, so the row ids are the line numbers).
    Dataset<Row> ds = did40(spark).withColumn("_i", monotonically_increasing_id())
        .withColumn("score", when(col("_i").mod(50).equalTo(0), lit(null)).otherwise(col("score")))
        .withColumn("cohort", when(col("_i").mod(97).equalTo(0), lit(null)).otherwise(col("cohort")));
    LmmFit distributed = MixedModel.fit(ds, DID, FitOptions.reml());

    for (LmmFit fit : List.of(inMemory, distributed)) {
      assertThat(fit.nDropped()).isEqualTo(727);
      assertThat(fit.nObs()).isEqualTo(24_116 - 727);
      assertThat(fit.fixed("time:cohort").estimate())
          .isCloseTo(filtered.fixed("time:cohort").estimate(), within(1e-9));
      assertThat(fit.criterion()).isCloseTo(filtered.criterion(), within(1e-6));
      assertThat(fit.groups()).isEqualTo(filtered.groups());
    }
    // Clients left with one observation are kept (groups of n = 1); clients with no complete row are gone.
    long clients = complete.stream().map(r -> r.getAs("service_id") + ":" + r.getAs("client_id")).distinct().count();
    long seenOnce = complete.stream().collect(java.util.stream.Collectors.groupingBy(
        r -> r.getAs("service_id") + ":" + r.getAs("client_id"), java.util.stream.Collectors.counting()))
        .values().stream().filter(n -> n == 1).count();
    assertThat(seenOnce).isGreaterThan(700);
    assertThat(filtered.groups().get("client_id:service_id")).isEqualTo(clients);
    assertThat(distributed.singletonGroups()).containsEntry("client_id:service_id", seenOnce)
        .containsEntry("service_id", 0L);
    assertThat(distributed.summary()).contains(seenOnce + " groups of client_id:service_id have a single observation");
  }

  @Test
  void splitFitsFromOnePassEqualSeparateFitsAndDropAliasedColumns(SparkSession spark) {
    Map<String, LmmFit> bySplit = MixedModel.fitBySplit(did40(spark), DID, "cohort", FitOptions.reml());
    assertThat(bySplit).containsOnlyKeys("0", "1");
    for (String level : List.of("0", "1")) {
      LmmFit split = bySplit.get(level);
      // Within one cohort, cohort and time:cohort are constant or equal to time: lme4 drops them as aliased.
      assertThat(split.termNames()).containsExactly("(Intercept)", "time");
      assertThat(split.warnings()).anyMatch(w -> w.contains("rank deficient") && w.contains("cohort"));
      List<Row> subset = did40.stream().filter(r -> String.valueOf(r.<Object>getAs("cohort")).equals(level)).toList();
      LmmFit alone = MixedModel.fit(subset, Formula.parse("score ~ time + (1|service_id/client_id)"),
          FitOptions.reml());
      assertThat(split.fixed("time").estimate()).isCloseTo(alone.fixed("time").estimate(), within(1e-9));
      assertThat(split.fixed("time").df()).isCloseTo(alone.fixed("time").df(), within(1e-6 * alone.fixed("time").df()));
      assertThat(split.residualSd()).isCloseTo(alone.residualSd(), within(1e-7 * alone.residualSd()));
      assertThat(split.nObs()).isEqualTo(alone.nObs());
    }
    Map<String, LmmFit> inMemory = MixedModel.fitBySplit(did40, DID, "cohort", FitOptions.reml());
    assertThat(inMemory.get("1").criterion()).isCloseTo(bySplit.get("1").criterion(), within(1e-6));
  }

  @Test
  void momentsOfDisjointGroupsMergeIntoTheMomentsOfTheWhole() {
    List<Row> low = did40.stream().filter(r -> r.<Integer>getAs("service_id") <= 20).toList();
    List<Row> high = did40.stream().filter(r -> r.<Integer>getAs("service_id") > 20).toList();
    Moments merged = MixedModel.moments(low, DID, FitOptions.reml())
        .merge(MixedModel.moments(high, DID, FitOptions.reml()));
    LmmFit fit = MixedModel.fit(merged, FitOptions.reml());
    // lme4 reference (expected.json, did40 REML).
    assertThat(fit.fixed("time:cohort").estimate()).isCloseTo(-2.502816488, within(1e-6 * 2.502816488));
    assertThat(fit.criterion()).isCloseTo(144670.1219, within(1e-4 * 144670.1219));
  }

  @Test
  void contrastsGiveEstimateSeAndSatterthwaiteDf() {
    LmmFit fit = MixedModel.fit(did40, DID, FitOptions.reml());
    // The contrast picking one coefficient is that coefficient's own inference (lmerTest: time:cohort df 12056.0).
    Contrast c = fit.contrast(Map.of("time:cohort", 1.0));
    assertThat(c.estimate()).isEqualTo(fit.fixed("time:cohort").estimate());
    assertThat(c.df()).isCloseTo(12056.00036, within(1e-4 * 12056));
    // time + time:cohort is the post-cohort change: its variance is var(time) + var(tc) + 2 cov(time, tc).
    double[][] v = fit.vcov();
    Contrast post = fit.contrast(new double[] {0, 1, 0, 1});
    assertThat(post.estimate()).isCloseTo(-5.053577686 - 2.502816488, within(1e-5));
    assertThat(post.se() * post.se()).isCloseTo(v[1][1] + v[3][3] + 2 * v[1][3], within(1e-12));
    assertThat(post.ciLow()).isLessThan(post.estimate()).isGreaterThan(post.estimate() - 3 * post.se());
  }

  @Test
  void summaryAndJsonCarryTheSpecFields() {
    LmmFit fit = MixedModel.fit(ReferenceData.rows("Pastes.csv"), Formula.parse("strength ~ 1 + (1|batch/cask)"),
        FitOptions.reml().withBlups());
    Map<String, Object> json = fit.toJsonMap();
    assertThat(json).containsKeys("formula", "method", "n_obs", "groups", "fixed", "random", "residual_sd",
        "criterion", "converged", "blups", "timing");
    assertThat(json.get("groups")).isEqualTo(Map.of("cask:batch", 30L, "batch", 10L));
    assertThat(fit.summary())
        .contains("REML criterion at convergence: 246.99")
        .contains("Number of obs: 60, groups:  cask:batch, 30; batch, 10")
        .contains("BLUPs of batch");
    assertThat(fit.aic()).isCloseTo(246.9907459 + 2 * 4, within(1e-3));
  }
}
