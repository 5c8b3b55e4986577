package uk.nhs.tto.subgroups;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.analysis.AnalysisConfig;
import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.FixedEffect;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.subgroups.simulate.GoldSimulation;
import uk.nhs.tto.testing.SparkExtension;

/**
 * The subgroup analyses on small simulated gold tables: every per-level estimate is the engine's fit of that level's
 * rows alone and every level's description the summary of those rows (both built here directly from the gold tables,
 * not by the code under test), and the run's tests carry Holm and Benjamini–Hochberg adjustments.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubgroupAnalysisTest {

  private static final AnalysisConfig CONFIG = AnalysisConfig.defaults();

  private Dataset<Row> courses;
  private Dataset<Row> pairs;
  private SubgroupResult result;

  @BeforeAll
  void analyse(SparkSession spark) {
    // 8 services x 3 therapists x 16 courses, PHQ-9 and GAD-7 only, a fifth LOW intensity, personality doubling
    // the DiD: small enough for seconds, big enough that every level of every dimension has both cohorts.
    GoldSimulation.Params p = new GoldSimulation.Params(8, 3, 16, 0.25, 2.0, 0.2, 0.5,
        Map.of("WSAS", 0.0, "PHOBIA", 0.0), 11);
    List<GoldSimulation.Course> simulated = GoldSimulation.courses(p);
    courses = GoldSimulation.coursesTable(spark, simulated).cache();
    pairs = GoldSimulation.scorePairsTable(spark, simulated).cache();
    result = SubgroupAnalysis.analyse(courses, pairs, CONFIG, SubgroupConfig.defaults());
  }

  @Test
  void eachLevelsEstimateIsTheEngineFitOfThatLevelsRowsAlone() {
    Column high = col("intensity").equalTo("HIGH");
    assertSameAsSeparateFit("PHQ9", Dimension.PERSONALITY, "yes", high.and(col("personality_difficulty")),
        CONFIG.formula());
    assertSameAsSeparateFit("GAD7", Dimension.DEPRIVATION, "3", high.and(col("imd_quintile").equalTo(3)),
        CONFIG.formula());
    assertSameAsSeparateFit("PHQ9", Dimension.INTENSITY, "LOW", col("intensity").equalTo("LOW"), CONFIG.formula());
    assertSameAsSeparateFit("PHQ9", Dimension.SEVERITY, "15-19",
        high.and(col("first_score").between(15, 19)), CONFIG.formula());
    assertSameAsSeparateFit("GAD7", Dimension.ALL, "all", high, CONFIG.formula());
    // Within one service its model has no service level.
    assertSameAsSeparateFit("PHQ9", Dimension.SERVICE, "S003", high.and(col("service_id").equalTo("S003")),
        "score ~ time * cohort + (1 | therapist/client)");
  }

  private void assertSameAsSeparateFit(String measure, Dimension d, String level, Column rows, String formula) {
    Dataset<Row> longRows = levelRows(measure, rows)
        .withColumn("time", explode(array(lit(0), lit(1))))
        .select(
            col("time"),
            when(col("time").equalTo(0), col("first_score")).otherwise(col("last_score")).as("score"),
            when(col("cohort").equalTo("post"), 1).otherwise(0).as("cohort"),
            col("service_id").as("service"),
            col("therapist"),
            col("PathwayID").as("client"));
    LmmFit separate = MixedModel.fit(longRows, Formula.parse(formula), FitOptions.reml());
    FixedEffect expected = separate.fixed("time:cohort");
    LevelEstimate estimate = result.level(measure, d, level);
    assertThat(estimate).as(measure + " " + d + " " + level).isNotNull();
    DidEstimate did = estimate.did();
    // The estimate is a linear function of the data given the variance ratios: equal to 1e-8. SEs and intervals
    // also depend on the optimiser's θ (converged to about 1e-9) and the Satterthwaite df on finite differences,
    // so rows summed in another order move them in the 8th digit: relative 1e-6.
    assertThat(did.estimate()).as("estimate").isCloseTo(expected.estimate(), within(1e-8));
    assertRelative("SE", did.se(), expected.se());
    assertRelative("df", did.df(), expected.df());
    assertRelative("Satterthwaite CI", did.satLow(), expected.ciLow());
    assertRelative("Wald CI", did.waldHigh(), expected.waldHigh());
    assertThat(estimate.nObs()).isEqualTo(separate.nObs());
    assertThat(estimate.cohorts().pre().clients() + estimate.cohorts().post().clients())
        .isEqualTo(separate.nObs() / 2);
  }

  /** A level's courses of the comparison (finished, pre or post) with their pairs of {@code measure}. */
  private Dataset<Row> levelRows(String measure, Column rows) {
    return courses.where(col("finished").and(col("cohort").isin("pre", "post")))
        .join(pairs.where(col("measure").equalTo(measure)).drop("service_id"), "PathwayID")
        .where(rows);
  }

  private static void assertRelative(String what, double actual, double expected) {
    assertThat(actual).as(what).isCloseTo(expected, within(1e-6 * Math.abs(expected)));
  }

  @Test
  void everyDimensionOfEveryMeasureIsTestedAndAdjustedTogether() {
    List<InteractionTest> tests = result.tests();
    // Two measures x eight dimensions (seven interaction tests and the service-variation test).
    assertThat(tests).hasSize(16);
    assertThat(tests).allMatch(InteractionTest::tested);
    double[] p = tests.stream().mapToDouble(InteractionTest::p).toArray();
    double[] holm = Multiplicity.holm(p);
    double[] bh = Multiplicity.benjaminiHochberg(p);
    for (int i = 0; i < p.length; i++) {
      assertThat(tests.get(i).pHolm()).isEqualTo(holm[i]);
      assertThat(tests.get(i).pBh()).isEqualTo(bh[i]);
      assertThat(tests.get(i).pHolm()).isGreaterThanOrEqualTo(tests.get(i).pBh());
    }
    InteractionTest gender = result.test("PHQ9", Dimension.GENDER);
    // One df per level beyond the first with both cohorts (a rare gender code may have courses in one cohort only).
    long bothCohorts = result.levels().stream()
        .filter(l -> l.measure().equals("PHQ9") && l.dimension() == Dimension.GENDER)
        .filter(l -> l.cohorts().pre().clients() > 0 && l.cohorts().post().clients() > 0)
        .count();
    assertThat(gender.df()).isEqualTo(bothCohorts - 1);
    assertThat(result.test("PHQ9", Dimension.SERVICE).method()).contains("service:cohort variance");
  }

  @Test
  void eachLevelIsDescribedByItsOwnRows() {
    Column high = col("intensity").equalTo("HIGH");
    assertDescribedByItsRows("PHQ9", Dimension.PERSONALITY, "yes", high.and(col("personality_difficulty")));
    assertDescribedByItsRows("GAD7", Dimension.AGE_BAND, "26-35", high.and(col("age_band").equalTo("26-35")));
    assertDescribedByItsRows("PHQ9", Dimension.INTENSITY, "LOW", col("intensity").equalTo("LOW"));
    assertDescribedByItsRows("GAD7", Dimension.ALL, "all", high);
    assertDescribedByItsRows("PHQ9", Dimension.SERVICE, "S003", high.and(col("service_id").equalTo("S003")));
  }

  /** Each cohort's clients, mean first, last and change scores and SD of change, by Spark's own aggregates. */
  private void assertDescribedByItsRows(String measure, Dimension d, String level, Column rows) {
    Map<String, Row> expected = new HashMap<>();
    levelRows(measure, rows)
        .withColumn("change", col("last_score").minus(col("first_score")))
        .groupBy("cohort")
        .agg(count(lit(1)), avg("first_score"), avg("last_score"), avg("change"), stddev_samp("change"))
        .collectAsList()
        .forEach(r -> expected.put(r.getString(0), r));
    LevelEstimate estimate = result.level(measure, d, level);
    assertThat(estimate).as(measure + " " + d + " " + level).isNotNull();
    for (String cohort : List.of("pre", "post")) {
      CohortSummary actual = cohort.equals("pre") ? estimate.cohorts().pre() : estimate.cohorts().post();
      Row e = expected.get(cohort);
      String what = measure + " " + d + " " + level + " " + cohort;
      assertThat(e).as(what + " has rows").isNotNull();
      assertThat(actual.clients()).as(what + " clients").isEqualTo(e.getLong(1));
      assertThat(actual.meanFirst()).as(what + " mean first").isCloseTo(e.getDouble(2), within(1e-9));
      assertThat(actual.meanLast()).as(what + " mean last").isCloseTo(e.getDouble(3), within(1e-9));
      assertThat(actual.meanChange()).as(what + " mean change").isCloseTo(e.getDouble(4), within(1e-9));
      assertThat(actual.sdChange()).as(what + " SD of change").isCloseTo(e.getDouble(5), within(1e-9));
    }
  }

  @Test
  void levelsCarryTheirCohortDescriptions() {
    LevelEstimate all = result.level("PHQ9", Dimension.ALL, "all");
    long high = courses.where(col("intensity").equalTo("HIGH")).count();
    assertThat(all.cohorts().pre().clients() + all.cohorts().post().clients()).isEqualTo(high);
    assertThat(all.cohorts().unadjustedDifference())
        .isCloseTo(all.cohorts().post().meanChange() - all.cohorts().pre().meanChange(), within(1e-12));
  }
}
