package uk.nhs.tto.stats;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Data holding each group's observations in one row ({@link MixedModel#momentsBySplitOfGroups}): the fits are lme4's
 * on the same data in long format, whether the rows are the lowest-level groups (reduced where they are) or finer
 * than them (expanded to long format first); an incomplete observation is dropped and counted like a long row, and
 * the caller's parent sums count each group row once.
 */
@ExtendWith(SparkExtension.class)
class GroupRowsTest {

  private static final String SPLIT = "split";

  private static Dataset<Row> csv(SparkSession spark, String name) {
    return spark.read().option("header", "true").option("inferSchema", "true")
        .csv(ReferenceData.file(name).toString());
  }

  private static JsonNode expected(String data, String method) {
    for (JsonNode fit : ReferenceData.expected().get("fits")) {
      if (fit.get("data").asText().equals(data) && fit.get("method").asText().equals(method)) {
        return fit;
      }
    }
    throw new IllegalArgumentException(data + " " + method);
  }

  /** did40 as one row per client: its time-0 and time-1 scores side by side. */
  private static Dataset<Row> did40Clients(SparkSession spark) {
    return csv(spark, "did40.csv").groupBy("service_id", "client_id", "cohort")
        .agg(max(when(col("time").equalTo(0), col("score"))).as("score0"),
            max(when(col("time").equalTo(1), col("score"))).as("score1"))
        .withColumn(SPLIT, lit("did40"));
  }

  private static final List<Map<String, Column>> FIRST_AND_LAST = List.of(
      Map.of("time", lit(0), "score", col("score0")),
      Map.of("time", lit(1), "score", col("score1")));

  @Test
  void clientsHeldOneRowEachReproduceLme4OnDid40(SparkSession spark) {
    for (String method : List.of("REML", "ML")) {
      JsonNode expected = expected("did40.csv", method);
      FitOptions options = ReferenceFitsTest.options(expected);
      Moments moments = MixedModel.momentsBySplitOfGroups(did40Clients(spark), "client_id",
          Formula.parse(expected.get("formula").asText()), SPLIT, options, FIRST_AND_LAST);
      ReferenceFitsTest.assertMatches(MixedModel.fit(moments, "did40", options), expected);
    }
  }

  @Test
  void casksHeldOneRowEachReproduceLme4OnPastes(SparkSession spark) {
    // Pastes: two assays of each cask of each batch; strength ~ 1 + (1|batch/cask).
    Dataset<Row> casks = csv(spark, "Pastes.csv").groupBy("batch", "cask")
        .agg(collect_list(col("strength")).as("assays"))
        .withColumn(SPLIT, lit("pastes"));
    List<Map<String, Column>> assays = List.of(
        Map.of("strength", element_at(col("assays"), 1)), Map.of("strength", element_at(col("assays"), 2)));
    JsonNode expected = expected("Pastes.csv", "REML");
    Moments moments = MixedModel.momentsBySplitOfGroups(casks, "cask", Formula.parse(expected.get("formula").asText()),
        SPLIT, FitOptions.reml(), assays);
    ReferenceFitsTest.assertMatches(MixedModel.fit(moments, "pastes", FitOptions.reml()), expected);
  }

  @Test
  void rowsFinerThanTheLowestLevelAreExpandedToLongFormat(SparkSession spark) {
    // sleepstudy held as one row per subject and pair of days (d, d + 5): the rows are not whole subjects, so the
    // engine must regroup them; lme4's fit of Reaction ~ Days + (1|Subject) is the check.
    Dataset<Row> days = csv(spark, "sleepstudy.csv");
    Dataset<Row> early = days.where(col("Days").lt(5)).select(col("Subject"), col("Days").as("d0"),
        col("Reaction").as("r0"));
    Dataset<Row> late = days.where(col("Days").geq(5)).select(col("Subject").as("s1"), col("Days").as("d1"),
        col("Reaction").as("r1"));
    Dataset<Row> pairs = early.join(late, early.col("Subject").equalTo(late.col("s1"))
            .and(late.col("d1").equalTo(early.col("d0").plus(5))))
        .withColumn("pair", col("d0"))
        .withColumn(SPLIT, lit("sleep"));
    List<Map<String, Column>> both = List.of(
        Map.of("Days", col("d0"), "Reaction", col("r0")), Map.of("Days", col("d1"), "Reaction", col("r1")));
    for (String method : List.of("REML", "ML")) {
      JsonNode expected = expected("sleepstudy.csv", method);
      FitOptions options = ReferenceFitsTest.options(expected);
      Moments moments = MixedModel.momentsBySplitOfGroups(pairs, "pair", Formula.parse(expected.get("formula")
          .asText()), SPLIT, options, both);
      ReferenceFitsTest.assertMatches(MixedModel.fit(moments, "sleep", options), expected);
    }
  }

  @Test
  void anIncompleteObservationIsDroppedAndCountedAsItsLongRowWouldBe(SparkSession spark) {
    // Client 1's last score missing: in long format its time-1 row is dropped, the client kept with one row.
    Dataset<Row> clients = did40Clients(spark)
        .withColumn("score1", when(col("client_id").equalTo(1), lit(null).cast("double")).otherwise(col("score1")));
    Dataset<Row> longRows = csv(spark, "did40.csv").withColumn("score",
            when(col("client_id").equalTo(1).and(col("time").equalTo(1)), lit(null).cast("double"))
                .otherwise(col("score")))
        .withColumn(SPLIT, lit("did40"));
    Formula formula = Formula.parse("score ~ time*cohort + (1|service_id/client_id)");
    Moments held = MixedModel.momentsBySplitOfGroups(clients, "client_id", formula, SPLIT, FitOptions.reml(),
        FIRST_AND_LAST);
    Moments asLong = MixedModel.momentsBySplit(longRows, formula, SPLIT, FitOptions.reml());
    assertThat(held.dropped("did40")).isEqualTo(1).isEqualTo(asLong.dropped("did40"));
    LmmFit a = MixedModel.fit(held, "did40", FitOptions.reml());
    LmmFit b = MixedModel.fit(asLong, "did40", FitOptions.reml());
    assertThat(a.nObs()).isEqualTo(24_115).isEqualTo(b.nObs());
    assertThat(a.singletonGroups()).isEqualTo(b.singletonGroups()).containsEntry("client_id:service_id", 1L);
    for (String term : b.termNames()) {
      assertThat(a.fixed(term).estimate()).as(term).isCloseTo(b.fixed(term).estimate(), within(1e-9));
      assertThat(a.fixed(term).se()).as(term + " SE").isCloseTo(b.fixed(term).se(), within(1e-9));
    }
  }

  @Test
  void wholeGroupRowsAreReducedWhereTheyAreAndOnlyCellSumsAreShuffled(SparkSession spark) {
    SparkSession own = spark.newSession();
    own.conf().set("spark.sql.shuffle.partitions", "4");
    Dataset<Row> clients = did40Clients(own).cache();
    clients.count();
    Formula formula = Formula.parse("score ~ time*cohort + (1|service_id/client_id)");
    Dataset<Row> longView = clients.withColumns(FIRST_AND_LAST.get(0));
    Dataset<Row> aggregation = SparkMoments.plan(clients, DesignResolver.forDataset(longView, formula,
        FitOptions.reml()), SPLIT, List.of(), FIRST_AND_LAST).aggregation();
    List<ShuffleExchangeExec> exchanges = SparkMomentsPlanTest.exchanges(aggregation);
    // One exchange, of per-cell partial sums (split, service, group size), fed by a map-side partial aggregation.
    assertThat(exchanges).hasSize(1);
    assertThat(SparkMomentsPlanTest.partitionedBy(exchanges.get(0))).containsExactly("_split", "_k0", "n");
    assertThat(exchanges.get(0).child()).isInstanceOf(HashAggregateExec.class);
    clients.unpersist();
  }

  @Test
  void parentSumsCountEachGroupRowOnceWhicheverWayTheRowsAreReduced(SparkSession spark) {
    // Clients and their summed time-1 scores per service: from the data directly, then from the parent sums of
    // the clients reduced where they lie (client is the lowest level) and of the same rows expanded to long format
    // (grouped by service and cohort, the lowest level is the cohort within a service, so client rows are finer).
    Map<String, double[]> expected = new java.util.HashMap<>();
    for (Row r : csv(spark, "did40.csv").where(col("time").equalTo(1)).groupBy("service_id")
        .agg(org.apache.spark.sql.functions.count(lit(1)), org.apache.spark.sql.functions.sum("score"))
        .collectAsList()) {
      expected.put(String.valueOf(r.get(0)), new double[] {r.getLong(1), r.getDouble(2)});
    }
    List<Column> sums = List.of(lit(1.0), col("score1"));
    for (String formula : List.of("score ~ time*cohort + (1|service_id/client_id)",
        "score ~ time + (1|service_id/cohort)")) {
      PlannedMoments planned = MixedModel.planBySplitOfGroups(did40Clients(spark), "client_id",
          Formula.parse(formula), SPLIT, FitOptions.reml(), FIRST_AND_LAST, sums);
      Map<List<String>, double[]> bySplitAndService = planned.parentSums(planned.aggregation().collectAsList());
      assertThat(bySplitAndService).as(formula).hasSize(expected.size());
      bySplitAndService.forEach((key, v) -> {
        double[] e = expected.get(key.get(1));
        assertThat(v[0]).as(formula + " clients of service " + key.get(1)).isEqualTo(e[0]);
        assertThat(v[1]).as(formula + " Σ last score of service " + key.get(1)).isCloseTo(e[1], within(1e-9));
      });
    }
  }

  @Test
  void aGroupNeedsAnObservation(SparkSession spark) {
    assertThatThrownBy(() -> MixedModel.momentsBySplitOfGroups(did40Clients(spark), "client_id",
        Formula.parse("score ~ time + (1|service_id/client_id)"), SPLIT, FitOptions.reml(), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one observation");
  }
}
