package uk.nhs.tto.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.GoldFixtures.Course;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Each cohort's description (SPEC §5's first table) comes out of the engine's aggregation under the default
 * nesting and out of an aggregation of its own under any other: both must give the hand-counted figures.
 */
@ExtendWith(SparkExtension.class)
class CohortDescriptionTest {

  private static final Offset<Double> EXACT = Offset.offset(1e-12);

  /**
   * Service S1: therapist T1 with a (pre), b (pre), c (post) and an unfinished f (pre, left out); T2 with d (post)
   * and a LOW-intensity g (post, left out). Service S2: its own therapist T1 with e (pre). PHQ-9 for all, GAD-7 for
   * a only.
   */
  private static List<Row>[] tables() {
    Course a = GoldFixtures.course("a", "S1", "T1");
    Course b = GoldFixtures.course("b", "S1", "T1");
    Course c = GoldFixtures.course("c", "S1", "T1").cohort("post");
    Course d = GoldFixtures.course("d", "S1", "T2").cohort("post");
    Course e = GoldFixtures.course("e", "S2", "T1");
    Course f = GoldFixtures.course("f", "S1", "T1").unfinished();
    Course g = GoldFixtures.course("g", "S1", "T2").cohort("post").intensity("LOW");
    List<Row> courses = List.of(a.row(), b.row(), c.row(), d.row(), e.row(), f.row(), g.row());
    List<Row> pairs = List.of(
        GoldFixtures.pair(a, "PHQ9", 20, 10), GoldFixtures.pair(b, "PHQ9", 15, 12),
        GoldFixtures.pair(c, "PHQ9", 18, 8), GoldFixtures.pair(d, "PHQ9", 12, 10),
        GoldFixtures.pair(e, "PHQ9", 9, 4), GoldFixtures.pair(f, "PHQ9", 20, 0),
        GoldFixtures.pair(g, "PHQ9", 10, 10), GoldFixtures.pair(a, "GAD7", 10, 5));
    @SuppressWarnings("unchecked")
    List<Row>[] out = new List[] {courses, pairs};
    return out;
  }

  private static Map<String, DomainResult> analyse(SparkSession spark, AnalysisConfig config) {
    List<Row>[] t = tables();
    return CohortAnalysis.analyse(GoldFixtures.courses(spark, t[0]), GoldFixtures.scorePairs(spark, t[1]), config,
            "run")
        .domains().stream()
        .collect(Collectors.toMap(DomainResult::domain, Function.identity()));
  }

  @Test
  void describesEachCohortFromTheEngineAggregationUnderTheDefaultNesting(SparkSession spark) {
    assertHandCountedDescriptions(analyse(spark, AnalysisConfig.defaults()));
  }

  @Test
  void describesEachCohortTheSameWayUnderANestingWithoutTherapists(SparkSession spark) {
    AnalysisConfig config = new AnalysisConfig("HIGH", List.of(), List.of("service", "client"), "REML");
    assertHandCountedDescriptions(analyse(spark, config));
  }

  private static void assertHandCountedDescriptions(Map<String, DomainResult> byDomain) {
    // PHQ-9 pre: a, b, e; changes −10, −3, −5 (mean −6, squared deviations 16 + 9 + 1 = 26 over 2 df).
    CohortDescription pre = byDomain.get("depression").pre();
    assertThat(List.of(pre.clients(), pre.services(), pre.therapists())).containsExactly(3L, 2L, 2L);
    assertThat(pre.meanFirst()).isCloseTo(44.0 / 3, EXACT);
    assertThat(pre.meanLast()).isCloseTo(26.0 / 3, EXACT);
    assertThat(pre.meanChange()).isCloseTo(-6.0, EXACT);
    assertThat(pre.sdChange()).isCloseTo(Math.sqrt(13), EXACT);
    // PHQ-9 post: c, d; changes −10, −2 (mean −6, squared deviations 16 + 16 over 1 df).
    CohortDescription post = byDomain.get("depression").post();
    assertThat(List.of(post.clients(), post.services(), post.therapists())).containsExactly(2L, 1L, 2L);
    assertThat(post.meanFirst()).isCloseTo(15.0, EXACT);
    assertThat(post.meanLast()).isCloseTo(9.0, EXACT);
    assertThat(post.meanChange()).isCloseTo(-6.0, EXACT);
    assertThat(post.sdChange()).isCloseTo(Math.sqrt(32), EXACT);
    // GAD-7: a alone, pre; no post course.
    assertThat(byDomain.get("anxiety").pre())
        .isEqualTo(new CohortDescription(1, 1, 1, 10.0, 5.0, -5.0, null));
    assertThat(byDomain.get("anxiety").post()).isEqualTo(CohortDescription.EMPTY);
    assertThat(byDomain.get("social_functioning").status()).isEqualTo(DomainResult.Status.NO_DATA);
  }
}
