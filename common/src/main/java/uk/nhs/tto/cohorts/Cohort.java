package uk.nhs.tto.cohorts;

import java.util.Locale;

/** The cohort a finished course of a cohort service falls into (SPEC §5); only PRE and POST are compared. */
public enum Cohort {
  /** Discharged in [C − W, C). */
  PRE,
  /** First treatment on or after C + washout, and discharged in [C, C + W). */
  POST,
  /** First treatment before C, discharged on or after C. */
  SPANNING,
  /** First treatment in [C, C + washout). */
  WASHOUT,
  /** Any other finished course of the service. */
  OUTSIDE;

  /** The value stored in gold.courses.cohort ({@code pre}, {@code post}, …). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
