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

  /**
   * Value, gradient and Hessian of every component of a vector-valued f at x, from one stencil: the Hessian's
   * points (central second differences along each axis and four-point ones across axes), whose points along each
   * axis also give the gradient (central differences). 1 + 2·d·STEPS + 4·STEPS·d(d−1)/2 evaluations of f in all,
   * for all components at once.
   */
  static Taylor taylor(Function<double[], double[]> f, double[] x) {
    int d = x.length;
    double[] f0 = f.apply(x);
    int len = f0.length;
    double[][] gradient = new double[len][d];
    double[][][] hessian = new double[len][d][d];
    double[][] gradientTable = new double[len][STEPS];
    double[][] hessianTable = new double[len][STEPS];
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < STEPS; k++) {
        double h = step(x[i]) / (1 << k);
        double[] up = f.apply(shift(x, i, h, i, 0));
        double[] down = f.apply(shift(x, i, -h, i, 0));
        for (int e = 0; e < len; e++) {
          gradientTable[e][k] = (up[e] - down[e]) / (2 * h);
          hessianTable[e][k] = (up[e] - 2 * f0[e] + down[e]) / (h * h);
        }
      }
      for (int e = 0; e < len; e++) {
        gradient[e][i] = extrapolate(gradientTable[e]);
        hessian[e][i][i] = extrapolate(hessianTable[e]);
      }
      for (int j = 0; j < i; j++) {
        for (int k = 0; k < STEPS; k++) {
          double hi = step(x[i]) / (1 << k);
          double hj = step(x[j]) / (1 << k);
          double[] pp = f.apply(shift(x, i, hi, j, hj));
          double[] pm = f.apply(shift(x, i, hi, j, -hj));
          double[] mp = f.apply(shift(x, i, -hi, j, hj));
          double[] mm = f.apply(shift(x, i, -hi, j, -hj));
          for (int e = 0; e < len; e++) {
            hessianTable[e][k] = (pp[e] - pm[e] - mp[e] + mm[e]) / (4 * hi * hj);
          }
        }
        for (int e = 0; e < len; e++) {
          hessian[e][i][j] = extrapolate(hessianTable[e]);
          hessian[e][j][i] = hessian[e][i][j];
        }
      }
    }
    return new Taylor(f0, gradient, hessian);
  }

  /** Each component's value, gradient ([component][i]) and Hessian ([component][i][j]) at one point. */
  record Taylor(double[] value, double[][] gradient, double[][][] hessian) {}

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
