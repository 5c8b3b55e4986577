package uk.nhs.tto.subgroups;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import uk.nhs.tto.analysis.AnalysisConfig;
import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.Design;
import uk.nhs.tto.stats.Design.DesignColumn;
import uk.nhs.tto.stats.Design.Part;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.FixedEffect;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.Moments;
import uk.nhs.tto.stats.formula.Formula;

/**
 * The subgroup models, computed from moments on the driver (no Spark here, so the same code serves the distributed
 * path and in-memory simulation studies).
 *
 * <p><b>Within each level</b> SPEC §5's model is fitted to that level's courses alone: one split of the moments
 * per measure × dimension × level, all built by one aggregation ({@link SubgroupData#levelsLong}).
 *
 * <p><b>The interaction test</b> is a likelihood-ratio test between two models fitted by maximum likelihood to all
 * levels of a dimension at once: {@code score ~ time * cohort * subgroup + covariates + (1 | …)} against the same
 * without the {@code time:cohort:subgroup} terms ({@code time * cohort + time * subgroup + cohort * subgroup}), so
 * the test asks only whether the difference-in-differences differs between levels; χ² with as many degrees of
 * freedom as interaction coefficients were estimable. ML, not REML, because the two models differ in their fixed
 * effects. Neither model needs another pass over the data: a course's subgroup is constant within its split, so
 * each of its model-matrix rows is a fixed linear map of its row in the per-level design (a column
 * {@code time:cohort:subgroupB} equals {@code time:cohort} in level B and 0 elsewhere), and the two models'
 * moments are the per-level moments mapped and summed ({@link Moments#mapped}) — exactly what one aggregation of
 * the interaction model's own columns would give.
 */
public final class SubgroupModels {

  /** The difference-in-differences term, as lme4 names it. */
  public static final String DID_TERM = "time:cohort";

  /** The factor naming a course's level in the interaction models. */
  static final String SUBGROUP = "subgroup";

  /** How {@link #interaction} tests, for reports and {@code results.subgroups}. */
  public static final String LRT_METHOD = "likelihood-ratio test (ML) of time:cohort:subgroup in one model over"
      + " all levels";

  private SubgroupModels() {}

  /** A split's model, or why there is none. */
  public record Outcome(LmmFit fit, String error) {}

  /**
   * Fits every split of {@code moments}; one split's failure (e.g. a level too small to estimate anything) is
   * recorded as its outcome and the others go on. Splits are fitted in parallel on the driver's cores.
   */
  public static Map<String, Outcome> fitAll(Moments moments, FitOptions options) {
    Map<String, Outcome> out = new ConcurrentHashMap<>();
    new ArrayList<>(moments.splits()).parallelStream().forEach(split -> {
      try {
        out.put(split, new Outcome(MixedModel.fit(moments, split, options), null));
      } catch (RuntimeException e) {
        out.put(split, new Outcome(null, failure(e)));
      }
    });
    return new TreeMap<>(out);
  }

  /** The {@code time:cohort} estimate of a fit, or null when the model could not estimate it (aliased). */
  public static DidEstimate did(LmmFit fit) {
    if (!fit.termNames().contains(DID_TERM)) {
      return null;
    }
    FixedEffect f = fit.fixed(DID_TERM);
    return new DidEstimate(f.estimate(), f.se(), f.waldLow(), f.waldHigh(), f.ciLow(), f.ciHigh(), f.df(), f.t(),
        f.p());
  }

  /**
   * The likelihood-ratio test of whether {@code time:cohort} differs between the levels of {@code d} for one
   * measure, from the per-level moments (see the class comment). Levels are those with moments; the first in
   * string order is the baseline (the test does not depend on which).
   */
  public static InteractionTest interaction(
      Moments perLevel, String domain, String measure, Dimension d, AnalysisConfig config) {
    List<String> levels = new ArrayList<>();
    Map<String, String> splitTo = new LinkedHashMap<>();
    String merged = measure + SplitKey.SEPARATOR + d.id();
    for (String split : perLevel.splits()) {
      SplitKey k = SplitKey.parse(split);
      if (k.measure().equals(measure) && k.dimension() == d) {
        levels.add(k.level());
        splitTo.put(split, merged);
      }
    }
    if (levels.size() < 2) {
      return InteractionTest.untested(domain, measure, d, LRT_METHOD, levels.size(),
          List.of("fewer than two levels have courses: nothing to compare"));
    }
    List<String> warnings = new ArrayList<>();
    try {
      LmmFit full = MixedModel.fit(mapped(perLevel, fullFormula(config), levels, splitTo), merged, FitOptions.ml());
      LmmFit reduced =
          MixedModel.fit(mapped(perLevel, nullFormula(config), levels, splitTo), merged, FitOptions.ml());
      int df = full.termNames().size() - reduced.termNames().size();
      if (df < 1) {
        return InteractionTest.untested(domain, measure, d, LRT_METHOD, levels.size(),
            List.of("no level other than the baseline has both cohorts: no interaction is estimable"));
      }
      double statistic = Math.max(0, reduced.criterion() - full.criterion());
      double p = 1 - new ChiSquaredDistribution(null, df).cumulativeProbability(statistic);
      if (!full.converged() || !reduced.converged()) {
        warnings.add("an interaction model did not converge; the test may be unreliable");
      }
      return new InteractionTest(domain, measure, d, LRT_METHOD + ", chi-squared on " + df + " df", statistic, df,
          p, Double.NaN, Double.NaN, levels.size(), warnings);
    } catch (RuntimeException e) {
      return InteractionTest.untested(domain, measure, d, LRT_METHOD, levels.size(),
          List.of("interaction model not fitted: " + failure(e)));
    }
  }

  /**
   * Why a model could not be fitted. Besides the engine's own errors (too few rows, no variation…), the optimiser
   * can fail on degenerate small data (commons-math's BOBYQA: "trust region step has failed to reduce Q"); one
   * model's failure must not stop the others, so it is recorded with the split.
   */
  static String failure(RuntimeException e) {
    return e instanceof TtoException ? e.getMessage() : "the optimiser failed (" + e + ")";
  }

  /** SPEC §5's model with every fixed term allowed to differ by subgroup. */
  static String fullFormula(AnalysisConfig config) {
    return "score ~ time * cohort * " + SUBGROUP + rest(config);
  }

  /** {@link #fullFormula} without the {@code time:cohort:subgroup} terms. */
  static String nullFormula(AnalysisConfig config) {
    return "score ~ time * cohort + time * " + SUBGROUP + " + cohort * " + SUBGROUP + rest(config);
  }

  private static String rest(AnalysisConfig config) {
    StringBuilder sb = new StringBuilder();
    config.covariates().forEach(c -> sb.append(" + ").append(c));
    return sb.append(" + (1 | ").append(String.join("/", config.randomLevels())).append(')').toString();
  }

  /**
   * The moments of {@code formula} (the per-level design plus the {@code subgroup} factor) over the given splits:
   * in the split of level ℓ each target column is the per-level column with the same other factors, times 1 if its
   * subgroup factor is ℓ (or it has none) and 0 otherwise.
   */
  static Moments mapped(Moments perLevel, String formula, List<String> levels, Map<String, String> splitTo) {
    Design base = perLevel.design();
    Map<String, Design.VariableType> types = new HashMap<>(base.types());
    types.put(SUBGROUP, Design.VariableType.CATEGORICAL_STRING);
    Map<String, List<String>> factorLevels = new HashMap<>(base.levels());
    factorLevels.put(SUBGROUP, levels);
    Design target = Design.of(Formula.parse(formula), types, factorLevels);
    Map<Set<Part>, Integer> baseIndex = new HashMap<>();
    for (int b = 0; b < base.p(); b++) {
      baseIndex.put(Set.copyOf(base.columns().get(b).parts()), b);
    }
    Map<String, double[][]> maps = new HashMap<>();
    splitTo.keySet().forEach(split -> {
      String level = SplitKey.parse(split).level();
      double[][] a = new double[target.p()][base.p()];
      for (int j = 0; j < target.p(); j++) {
        DesignColumn c = target.columns().get(j);
        List<Part> others = new ArrayList<>();
        boolean inLevel = true;
        for (Part part : c.parts()) {
          if (part.variable().equals(SUBGROUP)) {
            inLevel = part.level().equals(level);
          } else {
            others.add(part);
          }
        }
        Integer b = baseIndex.get(Set.copyOf(others));
        if (b == null) {
          throw new IllegalStateException("Column " + c.name() + " of " + formula + " has no counterpart in "
              + base.columnNames());
        }
        a[j][b] = inLevel ? 1 : 0;
      }
      maps.put(split, a);
    });
    return perLevel.mapped(target, splitTo, maps);
  }
}
