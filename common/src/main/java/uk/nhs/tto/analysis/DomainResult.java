package uk.nhs.tto.analysis;

import java.util.List;

/**
 * One domain's result in one run: a row of {@code results.did}. The estimate and model facts are absent when
 * the model could not be fitted (the warnings say why); the cohort descriptions are always present.
 *
 * @param domain SPEC §2's domain, e.g. {@code depression}
 * @param measure the catalogue's measure, e.g. {@code PHQ9}
 * @param formula the model as fitted, in lme4's syntax
 * @param method {@code REML} or {@code ML}
 */
public record DomainResult(
    String runId,
    String domain,
    String measure,
    String formula,
    String method,
    Status status,
    DidEstimate did,
    ModelFacts model,
    CohortDescription pre,
    CohortDescription post,
    List<String> warnings) {

  /** Whether a domain's model was fitted. */
  public enum Status {
    /** Fitted; {@link #did()} and {@link #model()} are set. */
    FITTED,
    /** Data were there but the model could not give the estimate; the warnings say why. */
    FAILED,
    /** No course of either cohort has this domain paired. */
    NO_DATA
  }

  public DomainResult {
    warnings = List.copyOf(warnings);
  }

  /** Unadjusted difference of mean changes, post − pre; null when either cohort is empty. */
  public Double unadjustedDifference() {
    if (pre.meanChange() == null || post.meanChange() == null) {
      return null;
    }
    return post.meanChange() - pre.meanChange();
  }

  /** The same result under another run id (results of a re-run compare equal apart from this). */
  public DomainResult withRunId(String id) {
    return new DomainResult(id, domain, measure, formula, method, status, did, model, pre, post, warnings);
  }
}
