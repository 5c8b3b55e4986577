package uk.nhs.tto.subgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.analysis.AnalysisConfig;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.FixedEffect;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.Moments;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.subgroups.simulate.GoldSimulation;

/**
 * The interaction models built from per-level moments are the models fitted directly to the rows (the engine on
 * the data with a {@code subgroup} column), and the likelihood-ratio test detects a planted subgroup effect.
 * In-memory engine path: no Spark.
 */
class SubgroupModelsTest {

  /** SPEC §5's model with a gender covariate, so covariate columns are mapped too. */
  private static final AnalysisConfig CONFIG =
      new AnalysisConfig("HIGH", List.of("gender"), List.of("service", "therapist", "client"), "REML");

  private static final List<GoldSimulation.Course> COURSES = GoldSimulation.courses(
      new GoldSimulation.Params(10, 3, 12, 0.2, 2.0, 0.0, 0.0, Map.of(), 5));

  @Test
  void interactionModelFromPerLevelMomentsEqualsTheModelFittedToTheRows() {
    List<Row> rows = GoldSimulation.levelRows(COURSES, "PHQ9", Dimension.AGE_BAND);
    Moments perLevel = MixedModel.momentsBySplit(rows, Formula.parse(CONFIG.formula()), SubgroupData.SPLIT,
        FitOptions.reml());
    List<String> levels = new ArrayList<>();
    Map<String, String> splitTo = new LinkedHashMap<>();
    for (String split : perLevel.splits()) {
      levels.add(SplitKey.parse(split).level());
      splitTo.put(split, "PHQ9|age_band");
    }
    assertThat(levels).hasSize(6);
    for (String formula : List.of(SubgroupModels.fullFormula(CONFIG), SubgroupModels.nullFormula(CONFIG))) {
      LmmFit mapped = MixedModel.fit(SubgroupModels.mapped(perLevel, formula, levels, splitTo), "PHQ9|age_band",
          FitOptions.ml());
      LmmFit direct = MixedModel.fit(rows, Formula.parse(formula), FitOptions.ml());
      assertThat(mapped.termNames()).containsExactlyElementsOf(direct.termNames());
      assertThat(mapped.criterion()).isCloseTo(direct.criterion(), within(1e-8 * Math.abs(direct.criterion())));
      // Between-client coefficients depend on the optimiser's θ, which rounding in the two sets of moments moves by
      // up to about 1e-7 relative (the criterion is flat to its last digits there), hence 1e-6.
      for (FixedEffect f : direct.fixed()) {
        assertThat(mapped.fixed(f.term()).estimate()).as(f.term())
            .isCloseTo(f.estimate(), within(1e-6 * Math.max(1, Math.abs(f.estimate()))));
        assertThat(mapped.fixed(f.term()).se()).as(f.term()).isCloseTo(f.se(), within(1e-6 * f.se()));
      }
      assertThat(mapped.nObs()).isEqualTo(rows.size());
      assertThat(mapped.groups()).isEqualTo(direct.groups());
    }
  }

  @Test
  void theModelBasedTestIsTheLikelihoodRatioOfTheTwoDirectFits() {
    List<Row> rows = GoldSimulation.levelRows(COURSES, "GAD7", Dimension.PERSONALITY);
    Moments perLevel = MixedModel.momentsBySplit(rows, Formula.parse(CONFIG.formula()), SubgroupData.SPLIT,
        FitOptions.reml());
    InteractionTest t = SubgroupModels.interactionByModels(perLevel, "anxiety", "GAD7", Dimension.PERSONALITY, CONFIG);
    LmmFit full = MixedModel.fit(rows, Formula.parse(SubgroupModels.fullFormula(CONFIG)), FitOptions.ml());
    LmmFit reduced = MixedModel.fit(rows, Formula.parse(SubgroupModels.nullFormula(CONFIG)), FitOptions.ml());
    double statistic = reduced.criterion() - full.criterion();
    assertThat(t.df()).isEqualTo(1);
    assertThat(t.statistic()).isCloseTo(statistic, within(1e-6));
    assertThat(t.p()).isCloseTo(1 - new ChiSquaredDistribution(1).cumulativeProbability(statistic), within(1e-9));
    assertThat(t.method()).contains("likelihood-ratio").contains("ML");
  }

  @Test
  void theClosedFormTestEqualsTheLikelihoodRatioOfTheTwoMixedModels() {
    for (Dimension d : List.of(Dimension.PERSONALITY, Dimension.AGE_BAND, Dimension.GENDER)) {
      Moments perLevel = MixedModel.momentsBySplit(GoldSimulation.levelRows(COURSES, "PHQ9", d),
          Formula.parse(CONFIG.formula()), SubgroupData.SPLIT, FitOptions.reml());
      InteractionTest models = SubgroupModels.interactionByModels(perLevel, "depression", "PHQ9", d, CONFIG);
      InteractionTest closed = SubgroupModels.interaction(GoldSimulation.levelCohorts(COURSES, "PHQ9", d),
          "depression", "PHQ9", d);
      assertThat(closed.df()).as(d.id()).isEqualTo(models.df());
      // The engine's two ML optima are found to about 1e-9 in θ; the statistics agree far below any reported digit.
      assertThat(closed.statistic()).as(d.id()).isCloseTo(models.statistic(), within(1e-5));
      assertThat(closed.p()).as(d.id()).isCloseTo(models.p(), within(1e-6));
    }
  }

  @Test
  void closedFormTestByHandForTwoLevels() {
    // Level a: pre n=2 changes {-1, -3} (mean -2, SD sqrt 2), post n=2 {-4, -6} (mean -5, SD sqrt 2);
    // level b: pre {-1, -3}, post {-2, -4} (mean -3). Within-cell RSS1 = 4 x 2 = 8.
    // Additive fit (cohort + level) of the four cell means (-2, -5, -2, -3), equal weights 2: the interaction
    // contrast (-5 + 2) - (-3 + 2) = -2 leaves residuals of +-2/4 = +-0.5 per cell: between = 4 cells x 2 x 0.25 = 2.
    // RSS0 = 10; N = 8; statistic = 8 ln(10/8) = 1.785148; df = 1.
    Map<String, LevelCohorts> levels = Map.of(
        "a", new LevelCohorts(new CohortSummary(2, null, null, -2.0, Math.sqrt(2)),
            new CohortSummary(2, null, null, -5.0, Math.sqrt(2))),
        "b", new LevelCohorts(new CohortSummary(2, null, null, -2.0, Math.sqrt(2)),
            new CohortSummary(2, null, null, -3.0, Math.sqrt(2))));
    InteractionTest t = SubgroupModels.interaction(new java.util.TreeMap<>(levels), "depression", "PHQ9",
        Dimension.PERSONALITY);
    assertThat(t.df()).isEqualTo(1);
    assertThat(t.statistic()).isCloseTo(8 * Math.log(10.0 / 8), within(1e-12));
    assertThat(t.p()).isCloseTo(1 - new ChiSquaredDistribution(1).cumulativeProbability(8 * Math.log(1.25)),
        within(1e-12));
  }

  @Test
  void aLevelWithOneCohortAddsNoDegreeOfFreedom() {
    CohortSummary pre = new CohortSummary(5, null, null, -2.0, 1.0);
    CohortSummary post = new CohortSummary(5, null, null, -4.0, 1.0);
    Map<String, LevelCohorts> levels = new java.util.TreeMap<>(Map.of(
        "a", new LevelCohorts(pre, post),
        "b", new LevelCohorts(pre, post),
        "c", new LevelCohorts(pre, CohortSummary.EMPTY)));
    InteractionTest t = SubgroupModels.interaction(levels, "depression", "PHQ9", Dimension.AGE_BAND);
    assertThat(t.df()).isEqualTo(1);
    assertThat(t.levels()).isEqualTo(3);
    InteractionTest one = SubgroupModels.interaction(new java.util.TreeMap<>(Map.of("a", new LevelCohorts(pre,
        post))), "depression", "PHQ9", Dimension.AGE_BAND);
    assertThat(one.tested()).isFalse();
    assertThat(one.warnings()).anyMatch(w -> w.contains("fewer than two levels"));
  }

  @Test
  void aPlantedPersonalityEffectIsDetectedAndEachLevelsIntervalCoversItsPlantedDid() {
    // Seed-study size (40 services x 6 therapists x 20 courses, 12% with personality difficulty) with the DiD
    // doubled for personality difficulty, as the generator's --subgroup-effect personality=2.0 plants it. One fixed
    // seed keeps the test deterministic; how often intervals cover is scripts/bench-subgroups' question.
    List<GoldSimulation.Course> courses =
        GoldSimulation.courses(GoldSimulation.Params.seedStudy(3).withPersonalityMultiplier(2.0));
    AnalysisConfig config = AnalysisConfig.defaults();
    List<Row> rows = GoldSimulation.levelRows(courses, "PHQ9", Dimension.PERSONALITY);
    Moments perLevel = MixedModel.momentsBySplit(rows, Formula.parse(config.formula()), SubgroupData.SPLIT,
        FitOptions.reml());
    InteractionTest t = SubgroupModels.interaction(GoldSimulation.levelCohorts(courses, "PHQ9",
        Dimension.PERSONALITY), "depression", "PHQ9", Dimension.PERSONALITY);
    assertThat(t.p()).isLessThan(0.01);
    double planted = GoldSimulation.MEASURES.get("PHQ9").did();
    Map<String, Double> truth = Map.of("no", planted, "yes", 2 * planted);
    Map<String, SubgroupModels.Outcome> fits = SubgroupModels.fitAll(perLevel, FitOptions.reml());
    truth.forEach((level, did) -> {
      var e = SubgroupModels.did(fits.get("PHQ9|personality|" + level).fit());
      assertThat(did).as(level).isBetween(e.satLow(), e.satHigh());
    });
  }
}
