package uk.nhs.tto.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conditional modes (BLUPs) of the random intercepts of every level above the lowest, with conditional SDs as
 * lme4's {@code ranef(condVar = TRUE)}: b̂_h = γ_k·1ₕᵀṼ⁻¹(y − Xβ̂) and Var(b_h | y) = σ²γ_k(1 − γ_k·1ₕᵀṼ⁻¹1ₕ),
 * with 1ₕᵀṼ⁻¹r and 1ₕᵀṼ⁻¹1ₕ carried from the group up through its ancestors by the same Sherman–Morrison steps
 * the likelihood uses. The lowest level (e.g. clients) is folded into cells by the moments and so has no BLUPs:
 * they would be one value per client, a data-scale output.
 */
final class Blups {

  private Blups() {}

  static Map<String, List<Blup>> all(
      NestedLikelihood lik, NestedLikelihood.Evaluation at, Nesting nesting, double sigma) {
    Map<String, List<Blup>> out = new LinkedHashMap<>();
    int depth = lik.depth;
    int q = lik.q;
    double[] gamma = new double[depth];
    for (int l = 0; l < depth; l++) {
      gamma[l] = at.theta[l] * at.theta[l];
    }
    double[] beta = at.beta;
    for (int k = 1; k < depth; k++) {
      List<Blup> list = new ArrayList<>();
      for (int h = 0; h < at.preS[k].length; h++) {
        double sPre = at.preS[k][h];
        double shrink = 1.0 / (1.0 + gamma[k] * sPre);
        // Own level applied: 1ₕᵀṼₕ⁻¹r and 1ₕᵀṼₕ⁻¹1ₕ.
        double pr = residual(at.preW[k][h], beta, q) * shrink;
        double s = sPre * shrink;
        double t = s;
        int g = h;
        for (int m = k + 1; m < depth; m++) {
          g = lik.parent(m - 1, g);
          double sa = at.preS[m][g];
          double c = gamma[m] / (1.0 + gamma[m] * sa);
          pr -= c * s * residual(at.preW[m][g], beta, q);
          t -= c * s * s;
          s = s / (1.0 + gamma[m] * sa);
        }
        double value = gamma[k] * pr;
        double condVar = sigma * sigma * gamma[k] * (1.0 - gamma[k] * t);
        String label = nesting.label(k, lik.groupPaths.get(k).get(h));
        list.add(new Blup(label, value, Math.sqrt(Math.max(condVar, 0))));
      }
      out.put(nesting.level(k).name(), LabelOrder.sorted(list, Blup::group));
    }
    return out;
  }

  /** 1ᵀṼ⁻¹(y − Xβ) from a weighted-sum vector w = 1ᵀṼ⁻¹[X y]. */
  private static double residual(double[] w, double[] beta, int q) {
    double r = w[q - 1];
    for (int i = 0; i < q - 1; i++) {
      r -= w[i] * beta[i];
    }
    return r;
  }
}
