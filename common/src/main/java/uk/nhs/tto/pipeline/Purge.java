package uk.nhs.tto.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.derive.DeriveResult;
import uk.nhs.tto.ingest.Withdrawal;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;
import uk.nhs.tto.lake.Retention;

/**
 * Withdraws delivered files and leaves no readable trace of their rows: the withdrawal ({@link Withdrawal}), then
 * derive, so that silver and gold are rebuilt without them, then the removal of every earlier version of the
 * bronze, quarantine, silver and gold tables ({@link Retention#purge}). For data that should never have reached the
 * lakehouse (a file found to identify people, a provider without a data-sharing agreement).
 *
 * <p>The price: analyses whose inputs were those earlier versions can no longer be re-run on them
 * ({@code analyse --as-of-run}); their results stay in {@code results.*}, which hold no row-level data. Re-running a
 * purge that was stopped completes it: files already withdrawn are skipped, derive and the removal run again.
 */
public final class Purge {

  /** The layers whose tables hold rows from (or derived from) delivered files. */
  public static final List<String> LAYERS = List.of("bronze", "quarantine", "silver", "gold");

  /** What a purge did. */
  public record Outcome(
      Withdrawal.Outcome withdrawal, Optional<DeriveResult> derive, List<Retention.TableOutcome> removed) {

    public long filesRemoved() {
      return removed.stream().mapToLong(Retention.TableOutcome::filesRemoved).sum();
    }

    public long bytesRemoved() {
      return removed.stream().mapToLong(Retention.TableOutcome::bytesRemoved).sum();
    }

    /** One line for a console or a scheduler's log. */
    public String summaryLine() {
      return String.format(Locale.ROOT,
          "%s; %s; earlier versions of %d tables removed (%d files, %.1f MB)", withdrawal.summaryLine(),
          derive.isPresent() ? "silver and gold derived again" : "no silver or gold to derive again",
          removed.size(), filesRemoved(), bytesRemoved() / 1e6);
    }

    /** The JSON summary: the withdrawal's, with what derive wrote and what the removal took. */
    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>(withdrawal.toJson());
      json.put("derived_again", derive.isPresent());
      Map<String, Object> tables = new LinkedHashMap<>();
      for (Retention.TableOutcome t : removed) {
        tables.put(t.table(), Map.of("files_removed", t.filesRemoved(), "bytes_removed", t.bytesRemoved()));
      }
      json.put("earlier_versions_removed", tables);
      return json;
    }
  }

  private Purge() {}

  /** Withdraws what {@code selection} names, derives again, and removes every earlier version of the row tables. */
  public static Outcome run(
      Lake lake, Settings settings, Withdrawal.Selection selection, String reason, Consumer<String> progress) {
    Withdrawal.Outcome withdrawal = Withdrawal.from(lake, settings).reportingTo(progress).run(selection, reason, false);
    Optional<DeriveResult> derive = Optional.empty();
    if (Derive.TABLES.stream().anyMatch(lake::exists)) {
      progress.accept("derive: silver and gold without the withdrawn files");
      derive = Optional.of(Derive.run(lake, settings, progress));
    }
    // Removing earlier versions also removes files a running write has not committed yet: no ingest or derive may
    // run meanwhile. Every other job holds at most one of the two locks at a time, so taking both cannot deadlock.
    // An analyse reading gold at this moment may fail on a removed file; run again, it reads the new version.
    Configuration conf = lake.spark().sparkContext().hadoopConfiguration();
    try (LakeLock ingest = LakeLock.acquire(lake.root(), conf, LakeLock.INGEST, settings, progress);
        LakeLock derives = LakeLock.acquire(lake.root(), conf, LakeLock.DERIVE, settings, progress)) {
      progress.accept("removing every earlier version of the " + String.join(", ", LAYERS) + " tables");
      return new Outcome(withdrawal, derive, Retention.purge(lake, LAYERS, progress));
    }
  }
}
