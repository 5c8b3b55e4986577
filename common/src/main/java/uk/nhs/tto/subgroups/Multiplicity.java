package uk.nhs.tto.subgroups;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Adjusts p-values for testing many hypotheses in one run, as R's {@code p.adjust} does: Holm's step-down method
 * (controls the family-wise error rate under any dependence) and Benjamini–Hochberg's step-up method (controls
 * the false discovery rate for independent or positively dependent tests).
 *
 * <p>A NaN p-value (no test) stays NaN and does not count towards the number of tests m, as R leaves out NA.
 */
public final class Multiplicity {

  private Multiplicity() {}

  /** Holm (1979): for the i-th smallest of m p-values, max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎). */
  public static double[] holm(double[] p) {
    int[] order = ascending(p);
    int m = order.length;
    double[] out = nanCopy(p);
    double running = 0;
    for (int i = 0; i < m; i++) {
      running = Math.max(running, Math.min(1, (m - i) * p[order[i]]));
      out[order[i]] = running;
    }
    return out;
  }

  /** Benjamini–Hochberg (1995): for the i-th smallest of m p-values, min over j ≥ i of min(1, m/j·p₍ⱼ₎). */
  public static double[] benjaminiHochberg(double[] p) {
    int[] order = ascending(p);
    int m = order.length;
    double[] out = nanCopy(p);
    double running = 1;
    for (int i = m - 1; i >= 0; i--) {
      running = Math.min(running, Math.min(1, (double) m / (i + 1) * p[order[i]]));
      out[order[i]] = running;
    }
    return out;
  }

  /** Indices of the non-NaN p-values, smallest first (ties keep their input order). */
  private static int[] ascending(double[] p) {
    for (double v : p) {
      if (!Double.isNaN(v) && (v < 0 || v > 1)) {
        throw new IllegalArgumentException("p-values must lie in [0, 1], cannot be: " + v);
      }
    }
    return IntStream.range(0, p.length)
        .filter(i -> !Double.isNaN(p[i]))
        .boxed()
        .sorted(Comparator.comparingDouble(i -> p[i]))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  private static double[] nanCopy(double[] p) {
    double[] out = new double[p.length];
    Arrays.fill(out, Double.NaN);
    return out;
  }
}
