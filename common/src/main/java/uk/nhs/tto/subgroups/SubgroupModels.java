package uk.nhs.tto.subgroups;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
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
 * The subgroup models, computed on the driver (no Spark here, so the same code serves the distributed path and
 * in-memory simulation studies).
 *
 * <p><b>Within each level</b> SPEC §5's model is fitted to that level's courses alone: one split of the moments
 * per measure × dimension × level, all built by one aggregation ({@link SubgroupData#levels}).
 *
 * <p><b>The interaction test</b> is a likelihood-ratio test between two models fitted by maximum likelihood to all
 * levels of a dimension at once: {@code score ~ time * cohort * subgroup + covariates + (1 | …)} against the same
 * without the {@code time:cohort:subgroup} terms ({@code time * cohort + time * subgroup + cohort * subgroup}), so
 * it asks only whether the difference-in-differences differs between levels; χ² with as many degrees of freedom as
 * interaction coefficients are estimable. ML, not REML, because the two models differ in their fixed effects.
 *
 * <p>It is computed in closed form ({@link #interaction(Map, String, String, Dimension)}). With exactly two scores
 * per course, (y₀, y₁) ↦ (d = y₁ − y₀, s = y₀ + y₁) has a constant Jacobian, d is independent of s (equal
 * variances) and of every random intercept, and E[d] holds every {@code time} term while E[s], whose course-level
 * variance 2σ² + 4σ²_client is free of σ² once σ²_client is, holds the others freely in both models. So both
 * likelihoods factor into the same s part times an ordinary least-squares part for d, and the statistic is
 * N·log(RSS₀/RSS₁) of {@code change ~ cohort + subgroup} against {@code change ~ cohort * subgroup} over the N
 * courses — exactly (away from the boundary σ²_client = 0, which real data never approach), from each level ×
 * cohort's count, mean change and SD of change. {@link #interactionByModels} fits the two mixed models themselves,
 * from moments mapped out of the per-level ones ({@link Moments#mapped}: a course's subgroup is constant within
 * its split, so each row of the interaction model's matrix is a fixed linear map of its per-level row); tests
 * check that both give the same statistic. The closed form costs nothing, where the two fits with 4 × levels
 * columns would dominate a national run's time.
 */
public final class SubgroupModels {

  /** The difference-in-differences term, as lme4 names it. */
  public static final String DID_TERM = "time:cohort";

  /** The factor naming a course's level in the interaction models. */
  static final String SUBGROUP = "subgroup";

  /** How {@link #interaction} tests, for reports and {@code results.subgroups}. */
  public static final String LRT_METHOD = "likelihood-ratio test (ML) of time:cohort:subgroup in one model over"
      + " all levels";

  /** Relative tolerance for calling a singular value of the additive change model zero (its rank). */
  private static final double RANK_TOLERANCE = 1e-9;

  private SubgroupModels() {}

  /** A split's model, or why there is none. */
  public record Outcome(LmmFit fit, String error) {}

  /**
   * Fits every split of {@code moments}; one split's failure (e.g. a level too small to estimate anything) is
   * recorded as its outcome and the others go on. Splits are fitted in parallel on the driver's cores.
   */
  public static Map<String, Outcome> fitAll(Moments moments, FitOptions options) {
    Map<String, Outcome> out = new TreeMap<>();
    MixedModel.fitEachSplit(moments, options).forEach((split, f) -> out.put(split, new Outcome(f.fit(), f.error())));
    return out;
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
   * The likelihood-ratio test of whether {@code time:cohort} differs between the levels of a dimension, in closed
   * form from each level's cohorts (see the class comment).
   *
   * @param levels the dimension's levels (of one measure) with their pre and post cohorts
   */
  public static InteractionTest interaction(
      Map<String, LevelCohorts> levels, String domain, String measure, Dimension d) {
    List<double[]> cells = new ArrayList<>();
    List<String> names = new ArrayList<>(levels.keySet());
    double rss1 = 0;
    long n = 0;
    for (int l = 0; l < names.size(); l++) {
      LevelCohorts lc = levels.get(names.get(l));
      int c = 0;
      for (CohortSummary cohort : List.of(lc.pre(), lc.post())) {
        if (cohort.clients() > 0) {
          double sd = cohort.sdChange() == null ? 0 : cohort.sdChange();
          rss1 += (cohort.clients() - 1) * sd * sd;
          n += cohort.clients();
          cells.add(new double[] {l, c, cohort.clients(), cohort.meanChange()});
        }
        c++;
      }
    }
    if (names.size() < 2) {
      return InteractionTest.untested(domain, measure, d, LRT_METHOD, names.size(),
          List.of("fewer than two levels have courses: nothing to compare"));
    }
    // change ~ cohort + subgroup by weighted least squares on the cell means: rows (1, cohort, level indicators).
    int k = 1 + names.size();
    double[][] xtwx = new double[k][k];
    double[] xtwy = new double[k];
    for (double[] cell : cells) {
      double[] x = additiveRow(cell, k);
      for (int i = 0; i < k; i++) {
        xtwy[i] += cell[2] * x[i] * cell[3];
        for (int j = 0; j < k; j++) {
          xtwx[i][j] += cell[2] * x[i] * x[j];
        }
      }
    }
    SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(xtwx, false));
    double[] sv = svd.getSingularValues();
    int rank = 0;
    for (double v : sv) {
      rank += v > RANK_TOLERANCE * sv[0] ? 1 : 0;
    }
    double[] coef = pseudoSolve(svd, xtwy, rank);
    double between = 0;
    for (double[] cell : cells) {
      double[] x = additiveRow(cell, k);
      double fitted = 0;
      for (int i = 0; i < k; i++) {
        fitted += x[i] * coef[i];
      }
      between += cell[2] * (cell[3] - fitted) * (cell[3] - fitted);
    }
    int df = cells.size() - rank;
    if (df < 1) {
      return InteractionTest.untested(domain, measure, d, LRT_METHOD, names.size(),
          List.of("no level other than the baseline has both cohorts: no interaction is estimable"));
    }
    if (!(rss1 > 0)) {
      return InteractionTest.untested(domain, measure, d, LRT_METHOD, names.size(),
          List.of("no variation of change within cohorts: the test is undefined"));
    }
    double statistic = n * Math.log((rss1 + between) / rss1);
    double p = 1 - new ChiSquaredDistribution(null, df).cumulativeProbability(statistic);
    return new InteractionTest(domain, measure, d, LRT_METHOD + ", chi-squared on " + df + " df", statistic, df, p,
        Double.NaN, Double.NaN, names.size(), List.of());
  }

  /** (1, cohort, indicator of each level after the first) for a cell {level index, cohort, n, mean}. */
  private static double[] additiveRow(double[] cell, int k) {
    double[] x = new double[k];
    x[0] = 1;
    x[1] = cell[1];
    if (cell[0] > 0) {
      x[1 + (int) cell[0]] = 1;
    }
    return x;
  }

  /** The minimum-norm solution of a (possibly rank-deficient) symmetric system from its SVD. */
  private static double[] pseudoSolve(SingularValueDecomposition svd, double[] b, int rank) {
    double[][] u = svd.getU().getData();
    double[][] v = svd.getV().getData();
    double[] sv = svd.getSingularValues();
    int k = b.length;
    double[] out = new double[k];
    for (int r = 0; r < rank; r++) {
      double ub = 0;
      for (int i = 0; i < k; i++) {
        ub += u[i][r] * b[i];
      }
      for (int i = 0; i < k; i++) {
        out[i] += v[i][r] * ub / sv[r];
      }
    }
    return out;
  }

  /**
   * The same test from the two mixed models fitted by the engine (see the class comment): for checking the closed
   * form, and for data without exactly two scores per course. Levels are those with moments; the first in string
   * order is the baseline (the test does not depend on which).
   */
  public static InteractionTest interactionByModels(
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
