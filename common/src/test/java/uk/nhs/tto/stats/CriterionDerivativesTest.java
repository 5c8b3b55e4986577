package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.stats.formula.Formula;

/**
 * The criteria's derivatives from one stencil over their parts (chain rule) are the derivatives of the criteria
 * themselves: checked against plain central differences of the profiled criterion and of the deviance, taken here
 * with their own steps, away from the optimum (where the gradient is not zero) and for REML and ML.
 */
class CriterionDerivativesTest {

  private static final double[] THETA = {0.6, 0.3};
  private static final double SIGMA = 4.5;

  private static NestedLikelihood did40(Method method) {
    List<Row> rows = ReferenceData.rows("did40.csv");
    Formula formula = Formula.parse("score ~ time*cohort + (1|service_id/client_id)");
    FitOptions options = method == Method.REML ? FitOptions.reml() : FitOptions.ml();
    Moments moments = Moments.fromRows(DesignResolver.forRows(rows, formula, options), rows, null);
    return new NestedLikelihood(moments, Moments.ALL, new int[] {0, 1, 2, 3}, method);
  }

  @Test
  void profiledGradientAndHessianAreThoseOfTheProfiledCriterion() {
    for (Method method : Method.values()) {
      NestedLikelihood lik = did40(method);
      CriterionDerivatives d = CriterionDerivatives.at(lik, THETA, new int[1]);
      Function<double[], Double> profiled = t -> lik.evaluate(t).profiled();
      int[] both = {0, 1};
      double[] g = d.profiledGradient(both);
      double[][] h = d.profiledHessian(both);
      for (int i = 0; i < 2; i++) {
        assertRelative(method + " dP/dθ" + i, g[i], centralGradient(profiled, THETA, i), 1e-6);
        for (int j = 0; j < 2; j++) {
          assertRelative(method + " d²P/dθ" + i + "dθ" + j, h[i][j], centralHessian(profiled, THETA, i, j), 1e-4);
        }
      }
      // The interior subset picks entries out of the same matrices.
      assertThat(d.profiledGradient(new int[] {1})[0]).isEqualTo(g[1]);
      assertThat(d.profiledHessian(new int[] {1})[0][0]).isEqualTo(h[1][1]);
    }
  }

  @Test
  void devianceHessianIsThatOfTheDevianceInThetaAndSigma() {
    for (Method method : Method.values()) {
      NestedLikelihood lik = did40(method);
      CriterionDerivatives d = CriterionDerivatives.at(lik, THETA, new int[1]);
      Function<double[], Double> deviance = phi -> lik.evaluate(new double[] {phi[0], phi[1]}).deviance(phi[2]);
      double[] phi = {THETA[0], THETA[1], SIGMA};
      double[][] h = d.devianceHessian(SIGMA);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          assertRelative(method + " d²D/dφ" + i + "dφ" + j, h[i][j], centralHessian(deviance, phi, i, j), 1e-4);
        }
      }
    }
  }

  @Test
  void aInverseDerivativeIsThatOfTheInverse() {
    NestedLikelihood lik = did40(Method.REML);
    CriterionDerivatives d = CriterionDerivatives.at(lik, THETA, new int[1]);
    for (int i = 0; i < 2; i++) {
      double[] derivative = d.aInverseDerivative(i);
      for (int a = 0; a < 4; a++) {
        final int row = a;
        for (int b = 0; b < 4; b++) {
          final int column = b;
          double expected = centralGradient(t -> lik.evaluate(t).aInverse().getEntry(row, column), THETA, i);
          assertRelative("d(A⁻¹)" + a + b + "/dθ" + i, derivative[a * 4 + b], expected, 1e-6);
        }
      }
    }
  }

  @Test
  void oneStencilOfThirtyThreeEvaluationsServesTwoVarianceParameters() {
    int[] evaluations = {0};
    CriterionDerivatives.at(did40(Method.REML), THETA, evaluations);
    // 1 + 2·2·4 along the axes + 4·4·1 across them (4 Richardson steps).
    assertThat(evaluations[0]).isEqualTo(1 + 16 + 16);
  }

  /**
   * Central differences at steps h and h/2 with one Richardson step, (4·D(h/2) − D(h)) / 3, which leaves an error
   * of order h⁴: plain central differences are not enough here (at θ₁ = 0.3 the third derivative is ~3e4, so a step
   * of 1e-4 is off by 5e-5 in a gradient of 10). Steps 1e-3 for first and 2e-3 for second derivatives keep the
   * rounding of a ~1e5 criterion (ulp ~3e-11) below 1e-7 and 1e-4 of the values checked.
   */
  private static double centralGradient(Function<double[], Double> f, double[] x, int i) {
    double h = 1e-3;
    return richardson(gradientAt(f, x, i, h), gradientAt(f, x, i, h / 2));
  }

  private static double centralHessian(Function<double[], Double> f, double[] x, int i, int j) {
    double h = 2e-3;
    return richardson(hessianAt(f, x, i, j, h), hessianAt(f, x, i, j, h / 2));
  }

  private static double richardson(double coarse, double fine) {
    return (4 * fine - coarse) / 3;
  }

  private static double gradientAt(Function<double[], Double> f, double[] x, int i, double h) {
    return (f.apply(shift(x, i, h, i, 0)) - f.apply(shift(x, i, -h, i, 0))) / (2 * h);
  }

  private static double hessianAt(Function<double[], Double> f, double[] x, int i, int j, double h) {
    if (i == j) {
      return (f.apply(shift(x, i, h, i, 0)) - 2 * f.apply(x) + f.apply(shift(x, i, -h, i, 0))) / (h * h);
    }
    return (f.apply(shift(x, i, h, j, h)) - f.apply(shift(x, i, h, j, -h)) - f.apply(shift(x, i, -h, j, h))
        + f.apply(shift(x, i, -h, j, -h))) / (4 * h * h);
  }

  private static double[] shift(double[] x, int i, double hi, int j, double hj) {
    double[] y = x.clone();
    y[i] += hi;
    y[j] += hj;
    return y;
  }

  private static void assertRelative(String what, double actual, double expected, double tolerance) {
    assertThat(actual).as(what + " (central differences: " + expected + ")")
        .isCloseTo(expected, within(tolerance * Math.max(1, Math.abs(expected))));
  }
}
