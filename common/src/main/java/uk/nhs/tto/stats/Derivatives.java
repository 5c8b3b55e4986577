package uk.nhs.tto.stats;

import java.util.function.Function;

/**
 * Accurate numerical derivatives by central differences with Richardson extrapolation (as R's numDeriv, which
 * lmerTest uses): differences at steps h, h/2, h/4, h/8 whose O(h²), O(h⁴)… errors are eliminated in turn.
 */
final class Derivatives {

  private static final int STEPS = 4;

  private Derivatives() {}

  /** The initial step for a parameter: relative to its size, absolute near zero. */
  static double step(double x) {
    return Math.max(1e-2 * Math.abs(x), 1e-4);
  }

  /** The Hessian of f at x. */
  static double[][] hessian(Function<double[], Double> f, double[] x) {
    int d = x.length;
    double f0 = f.apply(x);
    double[][] h = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        final int a = i;
        final int b = j;
        double[] table = new double[STEPS];
        for (int k = 0; k < STEPS; k++) {
          double ha = step(x[a]) / (1 << k);
          double hb = step(x[b]) / (1 << k);
          if (a == b) {
            table[k] = (f.apply(shift(x, a, ha, a, 0)) - 2 * f0 + f.apply(shift(x, a, -ha, a, 0))) / (ha * ha);
          } else {
            table[k] = (f.apply(shift(x, a, ha, b, hb)) - f.apply(shift(x, a, ha, b, -hb))
                - f.apply(shift(x, a, -ha, b, hb)) + f.apply(shift(x, a, -ha, b, -hb))) / (4 * ha * hb);
          }
        }
        h[i][j] = extrapolate(table);
        h[j][i] = h[i][j];
      }
    }
    return h;
  }

  /** The derivative of a vector-valued f with respect to parameter i at x. */
  static double[] partial(Function<double[], double[]> f, double[] x, int i) {
    double[][] table = new double[STEPS][];
    for (int k = 0; k < STEPS; k++) {
      double h = step(x[i]) / (1 << k);
      double[] up = f.apply(shift(x, i, h, i, 0));
      double[] down = f.apply(shift(x, i, -h, i, 0));
      table[k] = new double[up.length];
      for (int e = 0; e < up.length; e++) {
        table[k][e] = (up[e] - down[e]) / (2 * h);
      }
    }
    int len = table[0].length;
    double[] out = new double[len];
    double[] column = new double[STEPS];
    for (int e = 0; e < len; e++) {
      for (int k = 0; k < STEPS; k++) {
        column[k] = table[k][e];
      }
      out[e] = extrapolate(column);
    }
    return out;
  }

  /** The gradient of a scalar f at x (central differences, Richardson-extrapolated). */
  static double[] gradient(Function<double[], Double> f, double[] x) {
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      g[i] = partial(y -> new double[] {f.apply(y)}, x, i)[0];
    }
    return g;
  }

  /** Richardson's table for steps halving each time and errors in even powers of h. */
  static double extrapolate(double[] values) {
    double[] r = values.clone();
    for (int level = 1; level < r.length; level++) {
      double factor = Math.pow(4, level);
      for (int k = r.length - 1; k >= level; k--) {
        r[k] = r[k] + (r[k] - r[k - 1]) / (factor - 1);
      }
    }
    return r[r.length - 1];
  }

  private static double[] shift(double[] x, int i, double hi, int j, double hj) {
    double[] y = x.clone();
    y[i] += hi;
    y[j] += hj;
    return y;
  }
}
