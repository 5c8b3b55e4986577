package uk.nhs.tto.analysis;

/**
 * The unadjusted description of one cohort's courses in one domain (SPEC §5): how many clients (courses),
 * services and therapists, and the mean first, last and change scores. Raw figures, inside the lakehouse;
 * {@link uk.nhs.tto.disclosure.Disclosure} applies when they are published.
 *
 * @param clients courses with a pair of this domain's scores (client = the course, SPEC §5)
 * @param therapists distinct therapists within services (the model's therapist groups)
 * @param meanFirst mean first score, null when there are no clients
 * @param sdChange sample standard deviation of the change, null with fewer than two clients
 */
public record CohortDescription(
    long clients,
    long services,
    long therapists,
    Double meanFirst,
    Double meanLast,
    Double meanChange,
    Double sdChange) {

  /** A cohort with no courses. */
  public static final CohortDescription EMPTY = new CohortDescription(0, 0, 0, null, null, null, null);
}
