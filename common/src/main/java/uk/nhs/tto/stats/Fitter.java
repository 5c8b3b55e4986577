package uk.nhs.tto.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
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
  /** lme4's tolerance on the scaled gradient (check.conv.grad). */
  static final double CONVERGENCE_TOLERANCE = 2e-3;
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
    Function<double[], Double> criterion = t -> {
      evaluations[0]++;
      return lik.evaluate(t).profiled();
    };
    Polished polished = polish(lik, criterion, theta, evaluations);
    theta = polished.theta();
    CriterionDerivatives local = polished.derivatives();
    NestedLikelihood.Evaluation at = lik.evaluateWithStates(theta);
    double sigma = Math.sqrt(at.sigma2());
    double scaledGradient = scaledGradient(local);
    if (scaledGradient > CONVERGENCE_TOLERANCE) {
      converged = false;
      warnings.add(String.format(Locale.ROOT,
          "Model failed to converge: scaled gradient %.3g > %.3g (lme4's check)", scaledGradient,
          CONVERGENCE_TOLERANCE));
    }
    boolean[] boundary = boundaries(lik, theta, at.profiled(), sigma, formula, warnings);

    Satterthwaite satt = Satterthwaite.at(lik, local, sigma, warnings);
    List<String> terms = new ArrayList<>();
    for (int j : keep) {
      terms.add(design.columnNames().get(j));
    }
    Map<String, Long> groups = new LinkedHashMap<>();
    Map<String, Long> singletons = new LinkedHashMap<>();
    for (int l = 0; l < lik.depth; l++) {
      groups.put(formula.levels().get(l).name(), lik.groups[l]);
      singletons.put(formula.levels().get(l).name(), lik.singletons[l]);
    }
    Map<String, List<Blup>> blups = Blups.all(lik, at, moments.nesting(), sigma);
    double optimiseSeconds = (System.nanoTime() - started) / 1e9;
    return new LmmFit(
        formula, options, split, terms, at.beta, theta, sigma, at.profiled(), lik.nObs, moments.dropped(split), groups,
        singletons, converged, evaluations[0], warnings, boundary, satt, blups,
        new Timing(aggregateSeconds, optimiseSeconds));
  }

  /**
   * Which variances are at the boundary: θ within lme4's 1e-4 of zero, or so close that setting it to zero raises
   * the criterion by less than {@link #BOUNDARY_CRITERION}; each is reported with its size and that rise.
   */
  private static boolean[] boundaries(
      NestedLikelihood lik, double[] theta, double best, double sigma, Formula formula, List<String> warnings) {
    boolean[] boundary = new boolean[theta.length];
    for (int l = 0; l < theta.length; l++) {
      double[] zero = theta.clone();
      zero[l] = 0;
      double rise = lik.evaluate(zero).profiled() - best;
      boundary[l] = theta[l] <= BOUNDARY || rise < BOUNDARY_CRITERION;
      if (boundary[l]) {
        double variance = sigma * sigma * theta[l] * theta[l];
        warnings.add(String.format(Locale.ROOT,
            "boundary (singular) fit: the variance of %s is estimated as %s (SD %.3g%% of the residual SD);"
                + " setting it to 0 changes the %s by %.2g",
            formula.levels().get(l).name(), variance == 0 ? "0" : String.format(Locale.ROOT, "%.3g", variance),
            100 * theta[l], lik.method == Method.REML ? "REML criterion" : "deviance", rise));
      }
    }
    return boundary;
  }

  /** Polished θ, and the criteria's derivatives at exactly that θ. */
  record Polished(double[] theta, CriterionDerivatives derivatives) {}

  /**
   * Newton steps on the interior θ with Richardson-extrapolated derivatives, each kept only if it lowers the
   * criterion: removes the last error a derivative-free optimiser leaves when the criterion is large (millions of
   * rows), at a cost of a few dozen evaluations. Returns the derivatives at the final θ too (the convergence check
   * and Satterthwaite's df need them there): usually those of the refused last step, taken at that θ.
   */
  static Polished polish(
      NestedLikelihood lik, Function<double[], Double> f, double[] start, int[] evaluations) {
    double[] theta = start.clone();
    double value = f.apply(theta);
    CriterionDerivatives atTheta = null;
    for (int iteration = 0; iteration < 5; iteration++) {
      int[] free = interior(theta);
      if (free.length == 0) {
        break;
      }
      CriterionDerivatives d = CriterionDerivatives.at(lik, theta, evaluations);
      atTheta = d;
      double[] step = newtonStep(d.profiledGradient(free), d.profiledHessian(free));
      if (step == null) {
        break;
      }
      double[] next = theta.clone();
      double largest = 0;
      for (int a = 0; a < free.length; a++) {
        next[free[a]] = Math.max(0, theta[free[a]] + step[a]);
        largest = Math.max(largest, Math.abs(step[a]));
      }
      double nextValue = f.apply(next);
      if (!(nextValue < value)) {
        break;
      }
      theta = next;
      value = nextValue;
      atTheta = null;
      if (largest < 1e-10) {
        break;
      }
    }
    if (atTheta == null) {
      atTheta = CriterionDerivatives.at(lik, theta, evaluations);
    }
    return new Polished(theta, atTheta);
  }

  /**
   * lme4's convergence check: the gradient of the criterion in the interior θ scaled by the Cholesky factor of
   * the Hessian, max |L⁻¹g| (0 when every θ is at the boundary or the Hessian is not positive definite, where the
   * check does not apply), from the derivatives at θ.
   */
  static double scaledGradient(CriterionDerivatives at) {
    int[] free = interior(at.theta());
    if (free.length == 0) {
      return 0;
    }
    try {
      RealMatrix l = new CholeskyDecomposition(new Array2DRowRealMatrix(at.profiledHessian(free))).getL();
      ArrayRealVector scaledVector = new ArrayRealVector(at.profiledGradient(free));
      MatrixUtils.solveLowerTriangularSystem(l, scaledVector);
      double[] scaled = scaledVector.toArray();
      double max = 0;
      for (double v : scaled) {
        max = Math.max(max, Math.abs(v));
      }
      return max;
    } catch (MathIllegalArgumentException e) {
      return 0;
    }
  }

  private static double[] newtonStep(double[] gradient, double[][] hessian) {
    LUDecomposition lu = new LUDecomposition(new Array2DRowRealMatrix(hessian));
    if (!lu.getSolver().isNonSingular()) {
      return null;
    }
    return lu.getSolver().solve(new ArrayRealVector(gradient)).mapMultiply(-1).toArray();
  }

  private static int[] interior(double[] theta) {
    return java.util.stream.IntStream.range(0, theta.length).filter(i -> theta[i] > BOUNDARY).toArray();
  }

  /** The optimiser's answer; when it ran out of evaluations, θ is its last point and converged is false. */
  record Optimum(double[] theta, boolean converged) {}

  /**
   * Minimises the profiled criterion over θ ∈ [0, ∞)^K: Brent for one level, BOBYQA for more, each started as
   * lme4 starts (θ = 1); one level first scans a log grid, which guards Brent against a poor bracket.
   */
  static Optimum optimise(NestedLikelihood lik, int[] evaluations, List<String> warnings) {
    int k = lik.depth;
    double[][] last = {new double[k]};
    Function<double[], Double> f = t -> {
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
      // One run to a trust region of 1e-9 (lme4's rhoend is 2e-7): the Newton polish that follows removes what is
      // left, so a second, smaller-region run (as before it) and a tighter end move θ only within the criterion's
      // rounding noise, at a fifth of a fit's evaluations.
      BOBYQAOptimizer bobyqa = new BOBYQAOptimizer(2 * k + 1, 0.2, 1e-9);
      PointValuePair r = bobyqa.optimize(
          new MaxEval(50_000),
          new ObjectiveFunction(x -> f.apply(x)),
          GoalType.MINIMIZE,
          new InitialGuess(start),
          new SimpleBounds(lower, upper));
      return new Optimum(snapToBoundary(f, r.getPoint()), true);
    } catch (TooManyEvaluationsException e) {
      warnings.add("The optimiser stopped after " + evaluations[0] + " evaluations without converging");
      return new Optimum(last[0], false);
    }
  }

  /** Sets to exactly 0 any θ that is numerically 0 and no worse there, as a bounded optimiser would report it. */
  private static double[] snapToBoundary(Function<double[], Double> f, double[] theta) {
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
            .solve(new ArrayRealVector(b, false)).toArray();
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
