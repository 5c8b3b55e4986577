package uk.nhs.tto.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import uk.nhs.tto.analysis.DidTable;
import uk.nhs.tto.analysis.DomainResult;
import uk.nhs.tto.analysis.RunRecord;
import uk.nhs.tto.analysis.RunsTable;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.disclosure.Disclosure;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;

/**
 * Writes a run's report, {@code <reports>/<run-id>/index.html} and {@code did.csv}, from {@code results.did} and
 * {@code results.runs} alone (a report is a pure function of recorded results, so it can be regenerated at any
 * time), with SPEC §6's disclosure control applied through {@link Publication}.
 */
public final class Report {

  private Report() {}

  /** The disclosure-controlled view of a run ({@code runId} null: the latest run). */
  public static Publication publication(Lake lake, Settings settings, String runId) {
    String id = runId != null ? runId : latestRun(lake);
    RunRecord run = RunsTable.require(lake, id);
    List<DomainResult> results = DidTable.read(lake, id);
    return Publication.of(run, results, Disclosure.from(settings));
  }

  /**
   * Writes the report of a run ({@code runId} null: the latest) under the configured reports folder
   * ({@code tto.reports}) and returns the path of its {@code index.html}. Files are written to a temporary name and
   * moved into place, so a reader never sees half a report.
   */
  public static Path write(Lake lake, Settings settings, String runId) {
    return write(publication(lake, settings, runId), settings);
  }

  /** The folder a run's report is written to: {@code <tto.reports>/<run-id>}. */
  public static Path directory(Settings settings, String runId) {
    return Path.of(settings.string(Keys.REPORTS)).resolve(runId);
  }

  /** Writes a publication's report under the configured reports folder; returns its {@code index.html}. */
  public static Path write(Publication pub, Settings settings) {
    return write(pub, settings, List.of());
  }

  /**
   * As {@link #write(Publication, Settings)}, with links from {@code index.html} to further pages already written in
   * the report's folder (e.g. the subgroup analyses).
   */
  public static Path write(Publication pub, Settings settings, List<HtmlReport.Link> pages) {
    Path dir = directory(settings, pub.run().runId());
    try {
      Files.createDirectories(dir);
      writeAtomically(dir.resolve("did.csv"), pub.csv());
      Path index = dir.resolve("index.html");
      writeAtomically(index, HtmlReport.render(pub, pages));
      return index;
    } catch (IOException e) {
      throw TtoException.withExitCode(
          TtoException.INFRASTRUCTURE,
          "Cannot write the report to " + dir,
          e.toString(),
          "check that " + Keys.REPORTS + " names a writable folder");
    }
  }

  private static String latestRun(Lake lake) {
    return RunsTable.latest(lake)
        .orElseThrow(
            () ->
                TtoException.of(
                    "No analysis run is recorded in " + RunsTable.NAME + " at " + lake.path(RunsTable.NAME),
                    "a report shows the results of an analyse run",
                    "run scripts/tto analyse first, or check --lake"));
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
