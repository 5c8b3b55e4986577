package uk.nhs.tto.analysis;

import java.util.List;

/**
 * What one {@link CohortAnalysis#run} produced: the run's provenance, one result per domain, and where the time
 * went.
 */
public record AnalysisResult(RunRecord run, List<DomainResult> domains, Timings timings) {

  public AnalysisResult {
    domains = List.copyOf(domains);
  }

  /** The run's id. */
  public String runId() {
    return run.runId();
  }

  /** Seconds spent in each phase of a run (wall clock). */
  public record Timings(double prepareAndDescribe, double fit, double quality, double write, double total) {}
}
