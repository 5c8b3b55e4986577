package uk.nhs.tto.variation;

import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Control limits of a funnel plot for a proportion (Spiegelhalter 2005, "Funnel plots for comparing
 * institutional performance", Statistics in Medicine 24:1185–1202, appendix A.1.1): exact binomial quantiles
 * around the target rate θ₀, interpolated so the limits are smooth in n.
 *
 * <p>For a tail probability p and denominator n, r_p is the smallest r with P(R ≤ r) ≥ p for R ~ Bin(n, θ₀), and
 * the limit is (r_p − α)/n with α = (P(R ≤ r_p) − p) / (P(R ≤ r_p) − P(R ≤ r_p − 1)). Two-sided limits at 95% use
 * p = 0.025 and 0.975 ("alert", about 2 SD), at 99.8% p = 0.001 and 0.999 ("alarm", about 3 SD). No allowance for
 * over-dispersion is made: the limits describe chance variation alone, so with many services some will fall
 * outside them by chance (about 1 in 20 outside 95%, 1 in 500 outside 99.8%).
 */
public final class FunnelLimits {

  /** Tail probabilities of the two pairs of limits. */
  public static final double P95_LOW = 0.025;

  public static final double P95_HIGH = 0.975;
  public static final double P998_LOW = 0.001;
  public static final double P998_HIGH = 0.999;

  private final double target;

  /** Limits around a national rate θ₀ in [0, 1]. */
  public FunnelLimits(double target) {
    if (!(target >= 0 && target <= 1)) {
      throw new IllegalArgumentException("A funnel plot's target rate must lie in [0, 1], cannot be: " + target);
    }
    this.target = target;
  }

  public double target() {
    return target;
  }

  /** The interpolated exact limit for tail probability {@code p} at denominator {@code n} (a proportion). */
  public double limit(long n, double p) {
    if (n < 1) {
      throw new IllegalArgumentException("A funnel limit needs a denominator of at least 1, cannot be: " + n);
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Denominator too large for the binomial limit: " + n);
    }
    BinomialDistribution bin = new BinomialDistribution(null, (int) n, target);
    int r = bin.inverseCumulativeProbability(p);
    double atR = bin.cumulativeProbability(r);
    double belowR = r == 0 ? 0 : bin.cumulativeProbability(r - 1);
    double alpha = atR == belowR ? 0 : (atR - p) / (atR - belowR);
    return Math.max(0, Math.min(1, (r - alpha) / n));
  }

  /** Where an observed rate numerator/n lies relative to the limits. */
  public Position position(long numerator, long n) {
    double rate = (double) numerator / n;
    if (rate > limit(n, P998_HIGH)) {
      return Position.ABOVE_998;
    }
    if (rate > limit(n, P95_HIGH)) {
      return Position.ABOVE_95;
    }
    if (rate < limit(n, P998_LOW)) {
      return Position.BELOW_998;
    }
    if (rate < limit(n, P95_LOW)) {
      return Position.BELOW_95;
    }
    return Position.WITHIN;
  }

  /** A service's place on the funnel. */
  public enum Position {
    ABOVE_998("above 99.8% limit"),
    ABOVE_95("above 95% limit"),
    WITHIN("within limits"),
    BELOW_95("below 95% limit"),
    BELOW_998("below 99.8% limit");

    private final String label;

    Position(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** Whether the service lies outside the 95% limits (and so outside 99.8% too when {@link #outside998}). */
    public boolean outside95() {
      return this != WITHIN;
    }

    public boolean outside998() {
      return this == ABOVE_998 || this == BELOW_998;
    }
  }
}
