package uk.nhs.tto.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import uk.nhs.tto.analysis.AnalysisResult;
import uk.nhs.tto.analysis.AsOf;
import uk.nhs.tto.analysis.PinnedInputs;
import uk.nhs.tto.analysis.RunRecord;
import uk.nhs.tto.analysis.RunsTable;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.conform.BronzeVersions;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.derive.DeriveResult;
import uk.nhs.tto.ingest.Ingest;
import uk.nhs.tto.ingest.IngestResult;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;
import uk.nhs.tto.lake.Retention;
import uk.nhs.tto.report.Report;
import uk.nhs.tto.report.subgroups.SubgroupPages;
import uk.nhs.tto.subgroups.SubgroupAnalysis;

/**
 * The scheduled run: under the lakehouse's nightly {@link LakeLock} (a second run exits at once), ingest whatever
 * extract files are new, and bring every later stage up to date — derive when bronze has changed since the versions
 * gold was derived from, analyse when gold has changed since the latest results run, report when that run has no
 * report. Each stage decides from the lakehouse itself, not from memory of the last run, so a run killed anywhere is
 * completed by the next one, and a run with nothing new changes nothing.
 */
public final class Nightly {

  /** What a nightly run did; {@code analysis} is null when the results were already up to date. */
  public record Outcome(
      IngestResult ingest,
      Optional<DeriveResult> derive,
      Optional<AnalysisResult> analysis,
      String runId,
      Path report,
      double quarantinedFraction,
      boolean qualityExceeded,
      String qualityReason,
      Optional<Retention.Outcome> vacuum,
      LakeStatus.Deliveries deliveries,
      double seconds) {

    /** The one line a scheduler's log keeps. */
    public String summaryLine() {
      return String.format(
          Locale.ROOT,
          "tto nightly: %s; %d new files (%d refused, %d already ingested); %.2f%% of new rows quarantined; "
              + "derive %s; analyse %s; report %s; vacuum %s; deliveries %s; %.0f s",
          qualityExceeded ? "DATA-QUALITY THRESHOLD EXCEEDED (" + qualityReason + ")" : "ok",
          ingest.filesRead(),
          ingest.refused().size(),
          ingest.filesSkipped(),
          100 * quarantinedFraction,
          derive.isPresent() ? "ran" : "up to date",
          analysis.isPresent()
              ? "ran (run " + runId + ")"
              : "up to date" + (runId == null ? "" : " (run " + runId + ")"),
          report == null ? "none" : report.toString(),
          vacuum.map(Retention.Outcome::summaryLine).orElse("off (" + Keys.NIGHTLY_VACUUM + ")"),
          deliveries.summary(),
          seconds);
    }

    /** The JSON summary: ingest and derive fields as their commands write them, plus the run's decisions. */
    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("status", qualityExceeded ? "data_quality_exceeded" : "ok");
      json.put("quality_reason", qualityReason);
      json.put("ingest", ingest.toJson());
      json.put("derived", derive.isPresent());
      derive.ifPresent(d -> json.put("derive", d.toMap()));
      json.put("analysed", analysis.isPresent());
      json.put("run_id", runId);
      json.put("report", report == null ? null : report.toString());
      json.put("quarantined_fraction", quarantinedFraction);
      json.put("vacuum", vacuum.map(Retention.Outcome::toJson).orElse(null));
      json.put("deliveries_needing_a_look", deliveries.lines());
      json.put("seconds", seconds);
      return json;
    }
  }

  private Nightly() {}

  /** Runs the nightly pipeline; the caller turns {@link Outcome#qualityExceeded()} into the exit code. */
  public static Outcome run(
      Lake lake, Settings settings, String extracts, String commandLine, Consumer<String> progress) {
    long start = System.nanoTime();
    try (LakeLock lock = LakeLock.acquire(lake.root(), lake.spark().sparkContext().hadoopConfiguration(),
        LakeLock.NIGHTLY, Duration.ZERO, progress)) {
      progress.accept("lock: " + lock.where());
      progress.accept("ingest: new files under " + extracts);
      IngestResult ingest = Ingest.run(lake, settings, extracts);

      Optional<DeriveResult> derive = Optional.empty();
      if (ingest.filesIngested() > 0 || !goldUpToDate(lake)) {
        progress.accept("derive: bronze has changed since gold was written");
        derive = Optional.of(Derive.run(lake, settings, progress));
      } else {
        progress.accept("derive: gold is up to date");
      }

      Optional<AnalysisResult> analysis = Optional.empty();
      String runId;
      if (derive.isPresent() || !resultsUpToDate(lake)) {
        progress.accept("analyse: gold has changed since the latest results run");
        AnalysisResult a = SubgroupAnalysis.runWithCohortAnalysis(lake, settings, AsOf.latest(), commandLine);
        a.cleared().forEach(r -> progress.accept("analyse: removed " + r + ", left by a run killed before it was"
            + " recorded"));
        analysis = Optional.of(a);
        runId = a.runId();
      } else {
        runId = RunsTable.latest(lake).orElse(null);
        progress.accept("analyse: results are up to date (run " + runId + ")");
      }

      Path report = null;
      if (runId != null) {
        Path expected = Report.directory(settings, runId).resolve("index.html");
        if (analysis.isPresent() || !Files.exists(expected)) {
          progress.accept("report: run " + runId);
          report = SubgroupPages.writeReport(lake, settings, runId);
        } else {
          report = expected;
        }
      }

      long read = 0;
      long quarantined = 0;
      for (IngestResult.TableCounts c : ingest.tables().values()) {
        read += c.read();
        quarantined += c.quarantined();
      }
      double fraction = read == 0 ? 0 : (double) quarantined / read;
      double maxFraction = settings.number(Keys.NIGHTLY_MAX_QUARANTINED_FRACTION);
      int maxRefused = settings.integer(Keys.NIGHTLY_MAX_REFUSED_FILES);
      String reason = null;
      if (fraction > maxFraction) {
        reason = String.format(Locale.ROOT, "%.2f%% of new rows quarantined, threshold %.2f%%", 100 * fraction,
            100 * maxFraction);
      } else if (ingest.refused().size() > maxRefused) {
        reason = ingest.refused().size() + " files refused, threshold " + maxRefused;
      }
      Optional<Retention.Outcome> vacuum = Optional.empty();
      if (settings.flag(Keys.NIGHTLY_VACUUM)) {
        vacuum = Optional.of(Retention.apply(lake, lake.retention(), false, line -> progress.accept("vacuum: " + line)));
        progress.accept("vacuum: " + vacuum.get().summaryLine());
      }
      LakeStatus.Deliveries deliveries = LakeStatus.Deliveries.read(lake);
      deliveries.shownLines("the JSON summary and scripts/tto status list them all")
          .forEach(line -> progress.accept("deliveries: " + line));
      return new Outcome(ingest, derive, analysis, runId, report, fraction, reason != null, reason, vacuum,
          deliveries, (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * Gold holds what bronze holds now: each gold table's latest commit records the bronze versions its derive read
   * ({@link BronzeVersions}), the three agree, and no bronze table has changed its rows since (commits that only set
   * retention properties are not changes). Decided by versions, not commit times: an ingest or withdrawal that
   * commits while a derive runs is after the versions that derive read, however early its commit. Gold written
   * before derive recorded its versions is out of date once, and derived again.
   */
  static boolean goldUpToDate(Lake lake) {
    Optional<BronzeVersions> read = BronzeVersions.recordedIn(lake, Derive.SCORE_PAIRS);
    return read.isPresent()
        && read.equals(BronzeVersions.recordedIn(lake, Derive.COURSES))
        && read.equals(BronzeVersions.recordedIn(lake, Derive.KEY_METRICS))
        && read.get().stillCurrent(lake);
  }

  /**
   * The latest results run read what the input tables hold now: the same tables, and no commit since the versions
   * it read other than ones that only set retention properties.
   */
  static boolean resultsUpToDate(Lake lake) {
    Optional<String> latest = RunsTable.latest(lake);
    if (latest.isEmpty()) {
      return false;
    }
    RunRecord run = RunsTable.require(lake, latest.get());
    Map<String, Long> current = PinnedInputs.resolve(lake, AsOf.latest()).versions();
    Map<String, Long> read = run.inputVersions();
    if (!current.keySet().equals(read.keySet())) {
      return false;
    }
    return read.entrySet().stream().allMatch(e -> lake.unchangedSince(e.getKey(), e.getValue()));
  }
}
