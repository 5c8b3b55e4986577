package uk.nhs.tto.analysis;

import java.util.List;

/**
 * What one {@link CohortAnalysis#run} produced: the run's provenance, one result per domain, where the time went,
 * and the rows of killed runs it cleared before writing its own ({@link UnrecordedRuns}).
 */
public record AnalysisResult(
    RunRecord run, List<DomainResult> domains, Timings timings, List<UnrecordedRuns.Removed> cleared) {

  public AnalysisResult {
    domains = List.copyOf(domains);
    cleared = List.copyOf(cleared);
  }

  /** The run's id. */
  public String runId() {
    return run.runId();
  }

  /** Seconds spent in each phase of a run (wall clock). */
  public record Timings(double prepareAndDescribe, double fit, double quality, double write, double total) {}
}
