package uk.nhs.tto.subgroups;

import java.util.List;

/**
 * Whether the difference-in-differences differs between the levels of one dimension for one measure: one model over
 * all levels, tested by likelihood ratio (see {@link SubgroupModels}), with p-values adjusted across every test of
 * the run.
 *
 * @param method how the test was made, in words (shown in reports)
 * @param statistic the likelihood-ratio statistic (twice the log-likelihood difference); NaN when not tested
 * @param df its degrees of freedom (the number of interaction coefficients tested), 0 when not tested
 * @param p the unadjusted p-value; NaN when not tested
 * @param pHolm p adjusted by Holm's method across the run's tests
 * @param pBh p adjusted by Benjamini–Hochberg's method across the run's tests
 * @param levels how many levels entered the model
 */
public record InteractionTest(
    String domain,
    String measure,
    Dimension dimension,
    String method,
    double statistic,
    int df,
    double p,
    double pHolm,
    double pBh,
    int levels,
    List<String> warnings) {

  public InteractionTest {
    warnings = List.copyOf(warnings);
  }

  /** Whether a test was made (enough levels, both models fitted). */
  public boolean tested() {
    return !Double.isNaN(p);
  }

  /** The same test with adjusted p-values. */
  InteractionTest adjusted(double holm, double bh) {
    return new InteractionTest(domain, measure, dimension, method, statistic, df, p, holm, bh, levels, warnings);
  }

  /** A dimension that could not be tested, and why. */
  static InteractionTest untested(String domain, String measure, Dimension d, String method, int levels,
      List<String> why) {
    return new InteractionTest(domain, measure, d, method, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN,
        levels, why);
  }
}
