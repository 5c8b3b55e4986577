package uk.nhs.tto.subgroups;

import java.util.List;
import uk.nhs.tto.analysis.DidEstimate;

/**
 * The difference-in-differences within one level of one dimension for one measure: SPEC §5's model fitted to that
 * level's courses alone, with the level's cohort descriptions. Raw figures (inside the lakehouse).
 *
 * @param did the {@code time:cohort} estimate, or null when the model gave none ({@link #warnings} say why)
 * @param converged whether the optimiser converged (false when no model was fitted)
 * @param boundary whether a variance was estimated at zero
 */
public record LevelEstimate(
    String domain,
    String measure,
    Dimension dimension,
    String level,
    LevelCohorts cohorts,
    DidEstimate did,
    long nObs,
    boolean converged,
    boolean boundary,
    List<String> warnings) {

  public LevelEstimate {
    warnings = List.copyOf(warnings);
  }

  public SplitKey key() {
    return new SplitKey(measure, dimension, level);
  }

  /** {@code FITTED} with an estimate, {@code NOT_ESTIMABLE} when the model ran without one, else {@code FAILED}. */
  public String status() {
    return did != null ? "FITTED" : nObs > 0 ? "NOT_ESTIMABLE" : "FAILED";
  }
}
