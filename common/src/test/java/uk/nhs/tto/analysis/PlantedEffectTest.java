package uk.nhs.tto.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.SparkExtension;

/**
 * The cohort analysis finds a planted difference-in-differences: gold tables simulated at the seed study's cohort
 * sizes (2,434 pre and 2,358 post clients, SPEC §5) with the seed study's effects planted per domain.
 */
@ExtendWith(SparkExtension.class)
class PlantedEffectTest {

  @Test
  void eachDomainsConfidenceIntervalContainsThePlantedEffectAtSeedStudySize(SparkSession spark) {
    GoldFixtures.Tables gold = new GoldFixtures.Simulation().generate(20240501L);

    CohortAnalysis.Analysed result =
        CohortAnalysis.analyse(gold.courses(spark), gold.pairs(spark), AnalysisConfig.defaults(), "test");

    Map<String, Double> planted = GoldFixtures.Simulation.SEED_STUDY_DID;
    assertThat(result.domains()).extracting(DomainResult::domain)
        .containsExactly("depression", "anxiety", "social_functioning", "phobia");
    for (DomainResult d : result.domains()) {
      double truth = planted.get(d.measure());
      assertThat(d.status()).as(d.domain() + " " + d.warnings()).isEqualTo(DomainResult.Status.FITTED);
      assertThat(d.did().satLow()).as(d.domain() + " Satterthwaite low").isLessThan(truth);
      assertThat(d.did().satHigh()).as(d.domain() + " Satterthwaite high").isGreaterThan(truth);
      assertThat(d.did().waldLow()).as(d.domain() + " Wald low").isLessThan(truth);
      assertThat(d.did().waldHigh()).as(d.domain() + " Wald high").isGreaterThan(truth);
      // Every course has both scores and the model has no time-varying covariate, so the random intercepts cancel
      // in each course's change and the DiD estimate is exactly the difference of the cohorts' mean changes.
      assertThat(d.did().estimate()).isCloseTo(d.post().meanChange() - d.pre().meanChange(), within(1e-8));
      // The simulation's cohort sizes, every course paired in every domain; its distractors are left out.
      assertThat(d.pre().clients()).isEqualTo(2434);
      assertThat(d.post().clients()).isEqualTo(2358);
      assertThat(d.model().nObs()).isEqualTo(2 * (2434 + 2358));
      // 20 services, each with up to 6 therapists; client = the course.
      assertThat(d.model().groups()).containsEntry("service", 20L).containsEntry("client", 4792L);
      assertThat(d.model().variances()).containsOnlyKeys("service", "therapist", "client", "residual");
    }
  }
}
