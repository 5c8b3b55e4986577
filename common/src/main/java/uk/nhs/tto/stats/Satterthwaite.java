package uk.nhs.tto.stats;

import java.util.List;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Satterthwaite's degrees of freedom for any linear contrast of β, computed as lmerTest does: with variance
 * parameters φ = (θ, σ), C(φ) = σ²(XᵀṼ(θ)⁻¹X)⁻¹ = vcov(β̂), g = ∂(LᵀCL)/∂φ, and A = 2H⁻¹ the asymptotic covariance
 * of φ̂ from the Hessian H of the −2 (RE)ML log-likelihood (β profiled, σ not), df = 2(LᵀCL)² / (gᵀAg).
 *
 * <p>H's θ part and ∂C/∂θ come from Richardson-extrapolated central differences of the exact likelihood's parts
 * (as lmerTest's numDeriv, {@link CriterionDerivatives}); H's σ entries and ∂C/∂σ = 2σ(XᵀṼ⁻¹X)⁻¹ are exact.
 */
final class Satterthwaite {

  private final double[][] vcov;
  /** ∂C/∂φ_i, flattened p×p, for each variance parameter. */
  private final double[][] jacobian;
  /** 2H⁻¹, or null when H is singular (df are then unavailable). */
  private final double[][] parameterCovariance;
  private final int p;

  private Satterthwaite(double[][] vcov, double[][] jacobian, double[][] parameterCovariance) {
    this.vcov = vcov;
    this.jacobian = jacobian;
    this.parameterCovariance = parameterCovariance;
    this.p = vcov.length;
  }

  static Satterthwaite at(NestedLikelihood lik, CriterionDerivatives local, double sigma, List<String> warnings) {
    double[] theta = local.theta();
    int k = theta.length;
    int p = lik.p;
    RealMatrix hInv = Fitter.inverseOrNull(local.devianceHessian(sigma));
    double[][] acov = null;
    if (hInv == null) {
      warnings.add("The Hessian of the likelihood in the variance parameters is singular: Satterthwaite df are"
          + " not available (the model is probably over-parameterised)");
    } else {
      acov = hInv.scalarMultiply(2).getData();
    }
    double[][] aInv = local.aInverse();
    double s2 = sigma * sigma;
    double[][] vcov = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        vcov[i][j] = s2 * aInv[i][j];
      }
    }
    double[][] jac = new double[k + 1][];
    for (int i = 0; i < k; i++) {
      jac[i] = local.aInverseDerivative(i);
      for (int e = 0; e < jac[i].length; e++) {
        jac[i][e] *= s2;
      }
    }
    jac[k] = new double[p * p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        jac[k][i * p + j] = 2 * sigma * aInv[i][j];
      }
    }
    return new Satterthwaite(vcov, jac, acov);
  }

  double[][] vcov() {
    double[][] copy = new double[p][];
    for (int i = 0; i < p; i++) {
      copy[i] = vcov[i].clone();
    }
    return copy;
  }

  /** LᵀCL. */
  double variance(double[] l) {
    return quadratic(vcov, l);
  }

  /** Satterthwaite df of Lᵀβ̂ (NaN when the parameter covariance is unavailable). */
  double df(double[] l) {
    if (parameterCovariance == null) {
      return Double.NaN;
    }
    double v = variance(l);
    int d = jacobian.length;
    double[] g = new double[d];
    for (int i = 0; i < d; i++) {
      double s = 0;
      for (int a = 0; a < p; a++) {
        for (int b = 0; b < p; b++) {
          s += l[a] * jacobian[i][a * p + b] * l[b];
        }
      }
      g[i] = s;
    }
    double denominator = quadratic(parameterCovariance, g);
    return 2 * v * v / denominator;
  }

  private static double quadratic(double[][] m, double[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        s += x[i] * m[i][j] * x[j];
      }
    }
    return s;
  }
}
