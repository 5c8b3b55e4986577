package uk.nhs.tto.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.formula.Formula;

/**
 * Turns the moments of one split into a fit: drops aliased columns, optimises the profiled (RE)ML criterion over
 * θ (relative SDs, θ ≥ 0) on the driver, then derives standard errors, Satterthwaite df and BLUPs.
 *
 * <p>θ is optimised to a much tighter tolerance than lme4's defaults (the reference BLUPs come from a tight fit):
 * one evaluation costs microseconds on folded moments, so precision is cheap.
 */
final class Fitter {

  /** lme4's tolerance for calling a variance parameter zero (isSingular). */
  static final double BOUNDARY = 1e-4;
  /**
   * A variance whose removal changes the criterion by less than this is at the boundary in effect: near zero the
   * criterion rises about (γ̂/SE(γ̂))², so the estimate is under a tenth of its own standard error.
   */
  static final double BOUNDARY_CRITERION = 0.01;
  /** R's qr() tolerance for aliased columns (lme4 drops them with a message). */
  static final double RANK_TOLERANCE = 1e-7;
  private static final double THETA_MAX = 1e4;

  private Fitter() {}

  static LmmFit fit(Moments moments, String split, FitOptions options, double aggregateSeconds) {
    long started = System.nanoTime();
    Design design = moments.design();
    Formula formula = design.formula();
    List<String> warnings = new ArrayList<>();
    if (moments.cells(split).isEmpty()) {
      throw TtoException.of(
          "No complete rows to fit " + formula.text() + (split.equals(Moments.ALL) ? "" : " in split " + split),
          moments.dropped(split) + " rows were dropped for a missing response, covariate or grouping value",
          "check the data: every row needs the columns " + formula.columns());
    }
    int[] keep = fullRankColumns(NestedLikelihood.crossProducts(moments, split), design, warnings);
    NestedLikelihood lik = new NestedLikelihood(moments, split, keep, options.method());
    checkIdentifiable(lik, formula);

    int[] evaluations = {0};
    Optimum optimum = optimise(lik, evaluations, warnings);
    double[] theta = optimum.theta();
    boolean converged = optimum.converged();
    NestedLikelihood.Evaluation at = lik.evaluateWithStates(theta);
    double sigma = Math.sqrt(at.sigma2());
    double[] gradient = Derivatives.gradient(t -> lik.evaluate(clampNonNegative(t)).profiled(), theta);
    boolean[] boundary = new boolean[theta.length];
    double best = at.profiled();
    for (int l = 0; l < theta.length; l++) {
      double[] zero = theta.clone();
      zero[l] = 0;
      double rise = lik.evaluate(zero).profiled() - best;
      boundary[l] = theta[l] <= BOUNDARY || rise < BOUNDARY_CRITERION;
      if (!boundary[l] && Math.abs(gradient[l]) > 1e-3) {
        converged = false;
        warnings.add(String.format(
            "Model may not have converged: gradient %.3g in the %s parameter", gradient[l], formula.levels().get(l)));
      }
      if (boundary[l]) {
        double variance = sigma * sigma * theta[l] * theta[l];
        warnings.add(String.format(Locale.ROOT,
            "boundary (singular) fit: the variance of %s is estimated as %s (SD %.3g%% of the residual SD);"
                + " setting it to 0 changes the %s by %.2g",
            formula.levels().get(l).name(), variance == 0 ? "0" : String.format(Locale.ROOT, "%.3g", variance),
            100 * theta[l], options.method() == Method.REML ? "REML criterion" : "deviance", rise));
      }
    }

    Satterthwaite satt = Satterthwaite.at(lik, theta, sigma, warnings);
    List<String> terms = new ArrayList<>();
    for (int j : keep) {
      terms.add(design.columnNames().get(j));
    }
    Map<String, Long> groups = new LinkedHashMap<>();
    for (int l = 0; l < lik.depth; l++) {
      groups.put(formula.levels().get(l).name(), lik.groups[l]);
    }
    Map<String, List<Blup>> blups = Blups.all(lik, at, moments.nesting(), sigma);
    double optimiseSeconds = (System.nanoTime() - started) / 1e9;
    return new LmmFit(
        formula, options, split, terms, at.beta, theta, sigma, at.profiled(), lik.nObs, moments.dropped(split), groups,
        converged, evaluations[0], warnings, boundary, satt, blups, new Timing(aggregateSeconds, optimiseSeconds));
  }

  /** The optimiser's answer; when it ran out of evaluations, θ is its last point and converged is false. */
  record Optimum(double[] theta, boolean converged) {}

  private static double[] clampNonNegative(double[] t) {
    double[] out = t.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.abs(out[i]);
    }
    return out;
  }

  /**
   * Minimises the profiled criterion over θ ∈ [0, ∞)^K: Brent for one level, BOBYQA for more, each started as
   * lme4 starts (θ = 1); one level first scans a log grid, which guards Brent against a poor bracket.
   */
  static Optimum optimise(NestedLikelihood lik, int[] evaluations, List<String> warnings) {
    int k = lik.depth;
    double[][] last = {new double[k]};
    java.util.function.Function<double[], Double> f = t -> {
      evaluations[0]++;
      last[0] = t.clone();
      return lik.evaluate(t).profiled();
    };
    if (k == 1) {
      // Scan a log grid to bracket the minimum, then refine with Brent inside the bracket.
      double[] grid = new double[42];
      grid[0] = 0;
      for (int i = 1; i < grid.length; i++) {
        grid[i] = Math.pow(10, -4 + (i - 1) * 0.2);
      }
      int best = 0;
      double bestValue = Double.POSITIVE_INFINITY;
      for (int i = 0; i < grid.length; i++) {
        double v = f.apply(new double[] {grid[i]});
        if (v < bestValue) {
          bestValue = v;
          best = i;
        }
      }
      double lo = grid[Math.max(0, best - 1)];
      double hi = grid[Math.min(grid.length - 1, best + 1)];
      BrentOptimizer brent = new BrentOptimizer(1e-13, 1e-15);
      UnivariatePointValuePair r = brent.optimize(
          new MaxEval(10_000),
          new UnivariateObjectiveFunction(x -> f.apply(new double[] {x})),
          GoalType.MINIMIZE,
          new SearchInterval(lo, hi, grid[best]));
      double theta = r.getValue() <= bestValue ? r.getPoint() : grid[best];
      return new Optimum(snapToBoundary(f, new double[] {theta}), true);
    }
    double[] start = new double[k];
    Arrays.fill(start, 1.0);
    double[] lower = new double[k];
    double[] upper = new double[k];
    Arrays.fill(upper, THETA_MAX);
    try {
      double[] point = start;
      // A second run from the first's optimum with a smaller trust region polishes θ to ~1e-9.
      for (double radius : new double[] {0.2, 1e-3}) {
        BOBYQAOptimizer bobyqa = new BOBYQAOptimizer(2 * k + 1, radius, 1e-12);
        PointValuePair r = bobyqa.optimize(
            new MaxEval(50_000),
            new ObjectiveFunction(x -> f.apply(x)),
            GoalType.MINIMIZE,
            new InitialGuess(point),
            new SimpleBounds(lower, upper));
        point = r.getPoint();
      }
      return new Optimum(snapToBoundary(f, point), true);
    } catch (TooManyEvaluationsException e) {
      warnings.add("The optimiser stopped after " + evaluations[0] + " evaluations without converging");
      return new Optimum(last[0], false);
    }
  }

  /** Sets to exactly 0 any θ that is numerically 0 and no worse there, as a bounded optimiser would report it. */
  private static double[] snapToBoundary(java.util.function.Function<double[], Double> f, double[] theta) {
    double[] t = theta.clone();
    for (int i = 0; i < t.length; i++) {
      if (t[i] > 0 && t[i] < BOUNDARY) {
        double[] zero = t.clone();
        zero[i] = 0;
        if (f.apply(zero) <= f.apply(t)) {
          t = zero;
        }
      }
    }
    return t;
  }

  /**
   * Columns of the model matrix that are not linear combinations of earlier ones (R's pivoting QR order with
   * tolerance 1e-7); the others are dropped with a warning, as lme4 does.
   */
  static int[] fullRankColumns(double[][] crossProducts, Design design, List<String> warnings) {
    int p = design.p();
    List<Integer> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      double norm2 = crossProducts[j][j];
      double residual = norm2;
      if (!kept.isEmpty() && norm2 > 0) {
        int m = kept.size();
        double[][] a = new double[m][m];
        double[] b = new double[m];
        for (int r = 0; r < m; r++) {
          for (int c = 0; c < m; c++) {
            a[r][c] = crossProducts[kept.get(r)][kept.get(c)];
          }
          b[r] = crossProducts[kept.get(r)][j];
        }
        double[] coef = new LUDecomposition(new Array2DRowRealMatrix(a, false)).getSolver()
            .solve(new org.apache.commons.math3.linear.ArrayRealVector(b, false)).toArray();
        for (int r = 0; r < m; r++) {
          residual -= coef[r] * b[r];
        }
      }
      if (norm2 <= 0 || residual <= RANK_TOLERANCE * RANK_TOLERANCE * norm2) {
        dropped.add(design.columnNames().get(j));
      } else {
        kept.add(j);
      }
    }
    if (!dropped.isEmpty()) {
      warnings.add("fixed-effect model matrix is rank deficient so dropping " + dropped.size() + " column"
          + (dropped.size() > 1 ? "s" : "") + " / coefficient" + (dropped.size() > 1 ? "s" : "") + ": "
          + String.join(", ", dropped));
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  private static void checkIdentifiable(NestedLikelihood lik, Formula formula) {
    if (lik.nObs <= lik.p) {
      throw TtoException.of(
          "Only " + lik.nObs + " complete rows for " + lik.p + " fixed effects in " + formula.text(),
          "the residual variance cannot be estimated",
          "use more data or fewer terms");
    }
    for (int l = 0; l < lik.depth; l++) {
      if (lik.groups[l] >= lik.nObs) {
        throw TtoException.of(
            "The grouping " + formula.levels().get(l).name() + " has " + lik.groups[l] + " groups for "
                + lik.nObs + " observations",
            "each group has one observation, so its variance cannot be told apart from the residual variance"
                + " (lme4: number of levels of each grouping factor must be < number of observations)",
            "remove (1|" + formula.levels().get(l).name() + ") or use data with repeated observations per group");
      }
    }
  }

  /** Inverse of a small symmetric matrix, or null when it is singular. */
  static RealMatrix inverseOrNull(double[][] m) {
    LUDecomposition lu = new LUDecomposition(new Array2DRowRealMatrix(m));
    return lu.getSolver().isNonSingular() ? lu.getSolver().getInverse() : null;
  }
}
