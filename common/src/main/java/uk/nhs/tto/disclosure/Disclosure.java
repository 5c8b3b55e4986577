package uk.nhs.tto.disclosure;

import java.util.Locale;
import java.util.Optional;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;

/**
 * Statistical disclosure control for every figure that leaves the lakehouse (SPEC §6): reports, CSV,
 * JSON summaries and printed tables all format counts, rates and estimates through this one class.
 *
 * <ul>
 *   <li>A count under the threshold (default 5), zero included, is shown as {@code *}; other counts are
 *       rounded to the nearest multiple of 5 (halves up). National totals are exempt from rounding.
 *   <li>A rate is suppressed when its numerator, its denominator, or their difference is under the
 *       threshold: each of those is a count the rate would reveal ("any figure derived from them").
 *       Below national level it is a whole percentage; at national level one decimal place.
 *   <li>An estimate from a group with fewer than the configured minimum clients per cohort (default 10) is
 *       withheld with a reason.
 * </ul>
 */
public final class Disclosure {

  /** The mark that stands for a suppressed figure. */
  public static final String SUPPRESSED = "*";

  private final int minCount;
  private final int roundTo;
  private final int minClientsPerCohort;

  public Disclosure(int minCount, int roundTo, int minClientsPerCohort) {
    if (minCount < 1 || roundTo < 1 || minClientsPerCohort < 1) {
      throw new IllegalArgumentException(
          "Disclosure thresholds must be at least 1, cannot be: " + minCount + ", " + roundTo + ", "
              + minClientsPerCohort);
    }
    this.minCount = minCount;
    this.roundTo = roundTo;
    this.minClientsPerCohort = minClientsPerCohort;
  }

  /** The thresholds of SPEC §6 as configured. */
  public static Disclosure from(Settings settings) {
    return new Disclosure(
        settings.integer(Keys.DISCLOSURE_MIN_COUNT),
        settings.integer(Keys.DISCLOSURE_ROUND_TO),
        settings.integer(Keys.DISCLOSURE_MIN_CLIENTS));
  }

  /** SPEC §6's defaults: suppress under 5, round to 5, at least 10 clients per cohort. */
  public static Disclosure defaults() {
    return new Disclosure(5, 5, 10);
  }

  public int minCount() {
    return minCount;
  }

  public int minClientsPerCohort() {
    return minClientsPerCohort;
  }

  /** Whether a count may be published at all. */
  public boolean isSuppressed(long count) {
    return count < minCount;
  }

  /** A count below national level, as published: rounded to the nearest multiple, or empty when suppressed. */
  public Optional<Long> safeCount(long count) {
    if (isSuppressed(count)) {
      return Optional.empty();
    }
    return Optional.of(Math.floorDiv(count + roundTo / 2, (long) roundTo) * roundTo);
  }

  /** A count below national level as text: {@code *} or the rounded value. */
  public String count(long count) {
    return safeCount(count).map(String::valueOf).orElse(SUPPRESSED);
  }

  /** A national total as text: published exactly (SPEC §7 exempts national totals from rounding). */
  public String nationalCount(long count) {
    return isSuppressed(count) ? SUPPRESSED : String.valueOf(count);
  }

  /** Whether a rate numerator/denominator would reveal a small count. */
  public boolean isRateSuppressed(long numerator, long denominator) {
    return denominator <= 0
        || isSuppressed(numerator)
        || isSuppressed(denominator)
        || isSuppressed(denominator - numerator);
  }

  /** A rate below national level as a whole percentage ({@code 47%}) or {@code *}. */
  public String rate(long numerator, long denominator) {
    if (isRateSuppressed(numerator, denominator)) {
      return SUPPRESSED;
    }
    return Math.round(100.0 * numerator / denominator) + "%";
  }

  /** A national rate with one decimal place ({@code 47.3%}) or {@code *}. */
  public String nationalRate(long numerator, long denominator) {
    if (isRateSuppressed(numerator, denominator)) {
      return SUPPRESSED;
    }
    return String.format(Locale.ROOT, "%.1f%%", 100.0 * numerator / denominator);
  }

  /**
   * Why an estimate from cohorts of these sizes must be withheld, or empty when it may be shown.
   *
   * @param label what the estimate is about, e.g. "depression, age band 16-25"
   */
  public Optional<String> withheldReason(String label, long nPre, long nPost) {
    long smallest = Math.min(nPre, nPost);
    if (smallest >= minClientsPerCohort) {
      return Optional.empty();
    }
    String which = nPre <= nPost ? "pre" : "post";
    return Optional.of(
        String.format(
            Locale.ROOT,
            "%s: withheld, fewer than %d clients in the %s cohort (disclosure control)",
            label,
            minClientsPerCohort,
            which));
  }
}
