package uk.nhs.tto.subgroups;

/** The pre and post cohorts of one subgroup level (either may be {@link CohortSummary#EMPTY}). */
public record LevelCohorts(CohortSummary pre, CohortSummary post) {

  public static final LevelCohorts EMPTY = new LevelCohorts(CohortSummary.EMPTY, CohortSummary.EMPTY);

  /** Unadjusted difference of mean changes, post − pre; null when either cohort is empty. */
  public Double unadjustedDifference() {
    return pre.meanChange() == null || post.meanChange() == null ? null : post.meanChange() - pre.meanChange();
  }
}
