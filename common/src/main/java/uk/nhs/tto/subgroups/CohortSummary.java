package uk.nhs.tto.subgroups;

/**
 * One cohort of one subgroup: clients (courses) and their mean first, last and change scores; the SD of change is
 * null with fewer than two clients.
 */
public record CohortSummary(long clients, Double meanFirst, Double meanLast, Double meanChange, Double sdChange) {

  /** A cohort with no clients. */
  public static final CohortSummary EMPTY = new CohortSummary(0, null, null, null, null);
}
