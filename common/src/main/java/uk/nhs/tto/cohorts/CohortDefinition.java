package uk.nhs.tto.cohorts;

import java.time.LocalDate;

/**
 * One service's line of the cohort file (SPEC §5): the date C a change took effect, the window W in calendar
 * months either side of it, and the washout after it.
 *
 * @param serviceId OrgID_Provider
 * @param changeDate C
 * @param windowMonths W, at least 1
 * @param washoutDays days after C whose new starters are excluded (0 when none)
 */
public record CohortDefinition(String serviceId, LocalDate changeDate, int windowMonths, int washoutDays) {

  /**
   * C − W: the first day a pre course may be discharged; the day is clamped to the month's end
   * (31 Mar − 1 → 29 Feb).
   */
  public LocalDate windowStart() {
    return changeDate.minusMonths(windowMonths);
  }

  /** C + W, exclusive: post courses are discharged before it (day clamped like {@link #windowStart()}). */
  public LocalDate windowEnd() {
    return changeDate.plusMonths(windowMonths);
  }

  /** C + washout, exclusive end of the washout; equal to C when there is none. */
  public LocalDate washoutEnd() {
    return changeDate.plusDays(washoutDays);
  }
}
