package uk.nhs.tto.generate;

/**
 * The generator's random source: SplitMix64, written out here so that the same seed gives the same bytes on
 * every JDK (java.util's generators have changed algorithms between releases, e.g. nextGaussian in 17).
 */
final class Rng {

  private long state;
  private double spareGaussian;
  private boolean hasSpare;

  Rng(long seed) {
    this.state = seed;
  }

  /** An independent stream for one part of the output, e.g. {@code (seed, service index, purpose)}. */
  static Rng of(long seed, long... path) {
    long s = mix(seed ^ 0x7F4A7C15F39CC060L);
    for (long p : path) {
      s = mix(s + 0x9E3779B97F4A7C15L * (p + 1));
    }
    return new Rng(s);
  }

  long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1). */
  double uniform() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  int below(int bound) {
    return (int) ((nextLong() >>> 33) * bound >>> 31);
  }

  /** Uniform in [lo, hi] inclusive. */
  int between(int lo, int hi) {
    return lo + below(hi - lo + 1);
  }

  boolean chance(double p) {
    return uniform() < p;
  }

  /** Standard normal (Marsaglia's polar method, spare value kept). */
  double gaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spareGaussian;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = Math.sqrt(-2 * Math.log(s) / s);
    spareGaussian = v * f;
    hasSpare = true;
    return u * f;
  }

  double normal(double mean, double sd) {
    return mean + sd * gaussian();
  }

  /** Exponential with the given mean. */
  double exponential(double mean) {
    return -mean * Math.log(1 - uniform());
  }

  /** Poisson count; inversion for small means, a rounded normal for large ones (monthly referral counts). */
  int poisson(double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 60) {
      return Math.max(0, (int) Math.round(normal(mean, Math.sqrt(mean))));
    }
    double limit = Math.exp(-mean);
    double p = uniform();
    int k = 0;
    while (p > limit) {
      p *= uniform();
      k++;
    }
    return k;
  }

  /** An index drawn with probability proportional to {@code cumulative[i] - cumulative[i-1]}. */
  int pick(double[] cumulative) {
    double u = uniform() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  /** Running sums of {@code weights}, the form {@link #pick} takes. */
  static double[] cumulative(double... weights) {
    double[] c = new double[weights.length];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      c[i] = sum;
    }
    return c;
  }
}
