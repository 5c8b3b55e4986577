package uk.nhs.tto.stats;

/**
 * First and second derivatives of both criteria at one θ, from one numerical pass ({@link Derivatives#taylor}) over
 * the parts they are made of ({@link NestedLikelihood.Evaluation#parts()}): L(θ), r²(θ) and (XᵀṼ⁻¹X)⁻¹(θ).
 *
 * <p>The profiled criterion P = L + c(1 + log(2πr²/c)) and the deviance D = L + r²/σ² + c·log(2πσ²) are exact
 * functions of those parts and σ, so their derivatives follow by the chain rule: ∇P = ∇L + c∇r²/r²,
 * ∇²P = ∇²L + c(∇²r²/r² − ∇r²∇r²ᵀ/r⁴); ∂²D/∂θ∂θ = ∇²L + ∇²r²/σ², ∂²D/∂θ∂σ = −2∇r²/σ³, ∂²D/∂σ² = 6r²/σ⁴ − 2c/σ².
 * Polishing θ, lme4's convergence check and Satterthwaite's df (which also needs ∂(XᵀṼ⁻¹X)⁻¹/∂θ) used to
 * differentiate each of P, D and (XᵀṼ⁻¹X)⁻¹ numerically on its own — three stencils, about 250 likelihood
 * evaluations for three levels — where this takes one stencil of 73.
 */
final class CriterionDerivatives {

  private final double[] theta;
  private final Derivatives.Taylor parts;
  private final double c;
  private final int p;

  private CriterionDerivatives(double[] theta, Derivatives.Taylor parts, double c, int p) {
    this.theta = theta.clone();
    this.parts = parts;
    this.c = c;
    this.p = p;
  }

  /** Differentiates at θ; {@code evaluations} counts the likelihood evaluations it takes. */
  static CriterionDerivatives at(NestedLikelihood lik, double[] theta, int[] evaluations) {
    Derivatives.Taylor t = Derivatives.taylor(x -> {
      evaluations[0]++;
      return lik.evaluate(x).parts();
    }, theta);
    return new CriterionDerivatives(theta, t, lik.dof(), lik.p);
  }

  double[] theta() {
    return theta.clone();
  }

  /** ∂P/∂θ_i for the given i. */
  double[] profiledGradient(int[] free) {
    double r2 = parts.value()[1];
    double[] g = new double[free.length];
    for (int a = 0; a < free.length; a++) {
      int i = free[a];
      g[a] = parts.gradient()[0][i] + c * parts.gradient()[1][i] / r2;
    }
    return g;
  }

  /** ∂²P/∂θ_i∂θ_j for the given i, j. */
  double[][] profiledHessian(int[] free) {
    double r2 = parts.value()[1];
    double[] gr = parts.gradient()[1];
    double[][] h = new double[free.length][free.length];
    for (int a = 0; a < free.length; a++) {
      for (int b = 0; b < free.length; b++) {
        int i = free[a];
        int j = free[b];
        h[a][b] = parts.hessian()[0][i][j] + c * (parts.hessian()[1][i][j] / r2 - gr[i] * gr[j] / (r2 * r2));
      }
    }
    return h;
  }

  /** The Hessian of the deviance in φ = (θ, σ) at σ. */
  double[][] devianceHessian(double sigma) {
    int k = theta.length;
    double r2 = parts.value()[1];
    double s2 = sigma * sigma;
    double[][] h = new double[k + 1][k + 1];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        h[i][j] = parts.hessian()[0][i][j] + parts.hessian()[1][i][j] / s2;
      }
      h[i][k] = -2 * parts.gradient()[1][i] / (s2 * sigma);
      h[k][i] = h[i][k];
    }
    h[k][k] = 6 * r2 / (s2 * s2) - 2 * c / s2;
    return h;
  }

  /** (XᵀṼ⁻¹X)⁻¹ at θ (from the pass's own evaluation there). */
  double[][] aInverse() {
    double[][] out = new double[p][p];
    for (int i = 0; i < p; i++) {
      System.arraycopy(parts.value(), 2 + i * p, out[i], 0, p);
    }
    return out;
  }

  /** ∂(XᵀṼ⁻¹X)⁻¹/∂θ_i, row by row (p × p). */
  double[] aInverseDerivative(int i) {
    double[] out = new double[p * p];
    for (int e = 0; e < p * p; e++) {
      out[e] = parts.gradient()[2 + e][i];
    }
    return out;
  }
}
