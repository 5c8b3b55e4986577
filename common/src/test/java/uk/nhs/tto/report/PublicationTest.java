package uk.nhs.tto.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.analysis.CohortDescription;
import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.analysis.DomainResult;
import uk.nhs.tto.analysis.ModelFacts;
import uk.nhs.tto.analysis.QualityCount;
import uk.nhs.tto.analysis.RunRecord;
import uk.nhs.tto.disclosure.Disclosure;

/** What leaves the lakehouse follows SPEC §6, in the seed study's style. */
class PublicationTest {

  static final String FORMULA = "score ~ time * cohort + (1 | service/therapist/client)";

  static RunRecord run(List<QualityCount> quality) {
    return new RunRecord(
        "20240501T120000Z-abcdef", Instant.parse("2024-05-01T12:00:00Z"), Instant.parse("2024-05-01T12:01:00Z"),
        "analyse", "latest", "{\"tto.analysis.method\":\"REML\"}", "0".repeat(64), "unknown",
        Map.of("gold.courses", 3L, "gold.score_pairs", 3L), null, quality);
  }

  static DomainResult fitted(String domain, String measure, long nPre, long nPost, DidEstimate e) {
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("service", 1.69);
    v.put("therapist", 0.64);
    v.put("client", 9.61);
    v.put("residual", 16.0);
    Map<String, Long> g = new LinkedHashMap<>();
    g.put("service", 20L);
    g.put("therapist", 113L);
    g.put("client", nPre + nPost);
    return new DomainResult(
        "r", domain, measure, FORMULA, "REML", DomainResult.Status.FITTED, e,
        new ModelFacts(v, g, 2 * (nPre + nPost), 0, true, false, 41, 1234.5),
        new CohortDescription(nPre, 20, 100, 15.8, 10.7, -5.1, 5.9),
        new CohortDescription(nPost, 3, 13, 16.0, 8.4, -7.6, 6.1),
        List.of());
  }

  static final DidEstimate SEED_DEPRESSION =
      new DidEstimate(-2.5349, 0.2480, -3.0210, -2.0488, -3.0222, -2.0476, 37.8, -10.2, 1e-12);

  @Test
  void theHeadlineReadsLikeTheSeedStudysTableWithTheSatterthwaiteInterval() {
    Publication pub =
        Publication.of(run(List.of()), List.of(fitted("depression", "PHQ9", 2434, 2358, SEED_DEPRESSION)),
            Disclosure.defaults());

    Publication.Domain d = pub.domains().get(0);
    assertThat(d.headline()).isEqualTo("Depression \u22122.53 (95% CI \u22123.02 to \u22122.05)");
    assertThat(d.p()).isEqualTo("<0.001");
    // 2,434 and 2,358 rounded to the nearest 5.
    assertThat(d.pre().clients()).isEqualTo("2435");
    assertThat(d.post().clients()).isEqualTo("2360");
    // Service count 3 is under 5.
    assertThat(d.post().services()).isEqualTo("*");
    // −7.6 − (−5.1)
    assertThat(d.unadjustedDifference()).isEqualTo("\u22122.50");
  }

  @Test
  void anEstimateFromACohortUnderTheMinimumIsWithheldWithTheReasonAndItsMeansToo() {
    Publication pub =
        Publication.of(run(List.of()), List.of(fitted("anxiety", "GAD7", 40, 8, SEED_DEPRESSION)),
            Disclosure.defaults());

    Publication.Domain d = pub.domains().get(0);
    assertThat(d.estimate()).isEmpty();
    assertThat(d.model()).isEmpty();
    assertThat(d.headline())
        .isEqualTo("Anxiety: withheld, fewer than 10 clients in the post cohort (disclosure control)");
    assertThat(d.post().clients()).isEqualTo("10");
    assertThat(d.post().meanChange()).isEqualTo("withheld");
    assertThat(d.unadjustedDifference()).isEqualTo("withheld");
    assertThat(pub.csv()).contains("anxiety,GAD7,\"Anxiety: withheld").doesNotContain("-2.53");
  }

  @Test
  void aCohortUnderFiveShowsStarsForItsCountsAndEveryFigureDerivedFromThem() {
    Publication pub =
        Publication.of(run(List.of(new QualityCount("IDS201CareContact", "derive", "ROW_ORPHAN", 3))),
            List.of(fitted("phobia", "PHOBIA", 4, 30, SEED_DEPRESSION)), Disclosure.defaults());

    Publication.Domain d = pub.domains().get(0);
    assertThat(d.pre().clients()).isEqualTo("*");
    assertThat(d.pre().n()).isEmpty();
    assertThat(List.of(d.pre().meanFirst(), d.pre().meanLast(), d.pre().meanChange(), d.unadjustedDifference()))
        .containsOnly("*");
    assertThat(pub.quality().get(0).rows()).isEqualTo("*");
    @SuppressWarnings("unchecked")
    Map<String, Object> pre =
        (Map<String, Object>) ((Map<String, Object>) ((List<Map<String, Object>>) pub.json().get("domains")).get(0)
            .get("cohorts")).get("pre");
    assertThat(pre).containsEntry("n", null).containsEntry("mean_change", null);
  }

  @Test
  void theJsonSummaryHasSpecSevensAnalyseFieldsWithCountsRoundedToFive() {
    Publication pub =
        Publication.of(run(List.of()), List.of(fitted("depression", "PHQ9", 2434, 2358, SEED_DEPRESSION)),
            Disclosure.defaults());

    Map<String, Object> json = pub.json();
    assertThat(json).containsEntry("run_id", "20240501T120000Z-abcdef");
    @SuppressWarnings("unchecked")
    Map<String, Object> d = ((List<Map<String, Object>>) json.get("domains")).get(0);
    assertThat(d).containsKeys("domain", "measure", "estimate", "se", "ci_low", "ci_high", "p", "cohorts");
    assertThat(d).containsEntry("domain", "depression").containsEntry("estimate", -2.5349)
        .containsEntry("ci_low", -3.0222).containsEntry("ci_high", -2.0476);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> cohorts = (Map<String, Map<String, Object>>) d.get("cohorts");
    assertThat(cohorts.get("pre")).containsEntry("n", 2435L).containsEntry("mean_first", 15.8)
        .containsEntry("mean_last", 10.7).containsEntry("mean_change", -5.1);
    assertThat(cohorts.get("post")).containsEntry("n", 2360L);
  }

  @Test
  void theCsvHasOneRowPerDomainWithPlainNumbersForMachines() {
    Publication pub =
        Publication.of(run(List.of()), List.of(fitted("depression", "PHQ9", 2434, 2358, SEED_DEPRESSION)),
            Disclosure.defaults());

    String[] lines = pub.csv().split("\r\n");
    assertThat(lines[0]).isEqualTo(String.join(",", Publication.CSV_COLUMNS));
    assertThat(lines[1])
        .startsWith("depression,PHQ9,Depression \u22122.53 (95% CI \u22123.02 to \u22122.05),-2.5349,0.2480,"
            + "-3.0222,-2.0476,-3.0210,-2.0488,37.8000,0.000000,2435,2360,-5.1000,-7.6000,-2.5000,");
  }
}
