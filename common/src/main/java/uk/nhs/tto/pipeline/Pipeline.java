package uk.nhs.tto.pipeline;

import java.nio.file.Path;
import java.util.function.Consumer;
import uk.nhs.tto.analysis.AnalysisResult;
import uk.nhs.tto.analysis.AsOf;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.derive.DeriveResult;
import uk.nhs.tto.ingest.Ingest;
import uk.nhs.tto.ingest.IngestResult;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.report.subgroups.SubgroupPages;
import uk.nhs.tto.subgroups.SubgroupAnalysis;

/**
 * The whole pipeline in order — ingest, derive, analyse, report — as {@code run-local} and {@code nightly} run
 * it. Each step is the same library call its own command makes, so a pipeline run and a step-by-step run give
 * the same tables.
 */
public final class Pipeline {

  /** What one pipeline run produced; {@code analysis} and {@code report} are null when analysis was skipped. */
  public record Outcome(IngestResult ingest, DeriveResult derive, AnalysisResult analysis, Path report) {}

  private Pipeline() {}

  /** Ingests {@code extracts}, derives, then analyses and reports. {@code progress} receives one line per step. */
  public static Outcome run(
      Lake lake, Settings settings, String extracts, String commandLine, Consumer<String> progress) {
    progress.accept("ingest: " + extracts + " -> " + lake.root());
    IngestResult ingest = Ingest.run(lake, settings, extracts);
    progress.accept("derive: silver and gold tables");
    DeriveResult derive = Derive.run(lake, settings, progress);
    progress.accept("analyse: difference-in-differences per domain");
    AnalysisResult analysis = SubgroupAnalysis.runWithCohortAnalysis(lake, settings, AsOf.latest(), commandLine);
    progress.accept("report: run " + analysis.runId());
    Path report = SubgroupPages.writeReport(lake, settings, analysis.runId());
    return new Outcome(ingest, derive, analysis, report);
  }
}
