package uk.nhs.tto.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;
import uk.nhs.tto.quality.DirectIdentifiers;

/**
 * Withdraws delivered extract files from the lakehouse: a file sent in error, a service's whole submission for a
 * month, or everything a provider ever sent. Their rows leave every bronze and quarantine table, and
 * {@code meta.ingested_files} keeps each file as {@code WITHDRAWN} with when and why, so ingest never takes the
 * same bytes in again (a corrected file, with other bytes, is ingested as usual). The next derive then builds
 * silver and gold as if the files had never been delivered: where a withdrawn month re-submitted open referrals,
 * the previous month's rows win again (SPEC §1).
 *
 * <p>Runs under the ingest lock, so no ingest appends meanwhile. Kill-safe like ingest's batches: a marker
 * ({@code <lake>/_ingest/withdrawals/<id>.json}) lists the files before the first delete and goes after the
 * ledger's update, and the next withdrawal or ingest completes any marker it finds (each step is idempotent).
 *
 * <p>Earlier versions of each table still hold the rows until {@code tto.retention.days} has passed and the
 * clean-up has run; {@code uk.nhs.tto.pipeline.Purge} removes them at once.
 */
public final class Withdrawal {

  /** {@code meta.ingested_files.status} of a withdrawn file. */
  public static final String WITHDRAWN = "WITHDRAWN";

  private static final String PENDING = "_ingest/withdrawals";

  /** Stretches of a reason that could be an NHS number (3-3-4 digits) or a UK postcode, to check as such. */
  private static final Pattern IDENTIFIER_LIKE = Pattern.compile(
      "(?<![0-9])[0-9]{3} ?[0-9]{3} ?[0-9]{4}(?![0-9])|(?<![A-Za-z0-9])[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}"
          + "(?![A-Za-z0-9])");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Which delivered files to withdraw, by any mix of: the file as the ledger records it
   * ({@code T0001/1489/IDS101Referral.csv}), a submission ({@code T0001/1489}: every file of that service's month),
   * a service ({@code T0001}: all its files) and a file's SHA-256. Every selector must match at least one file
   * the ledger knows, or nothing is withdrawn.
   */
  public record Selection(Set<String> files, Set<String> submissions, Set<String> services, Set<String> sha256s) {

    public Selection {
      files = Set.copyOf(files);
      submissions = Set.copyOf(submissions);
      services = Set.copyOf(services);
      sha256s = sha256s.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * From comma-separated lists, any of them null: files, submissions ({@code SERVICE/MONTH}), services and
     * checksums. Refuses an empty selection and malformed submissions or checksums.
     */
    public static Selection parse(String files, String submissions, String services, String sha256s) {
      Selection s = new Selection(split(files), split(submissions), split(services), split(sha256s));
      if (s.files.isEmpty() && s.submissions.isEmpty() && s.services.isEmpty() && s.sha256s.isEmpty()) {
        throw TtoException.withExitCode(TtoException.USAGE, "Nothing to withdraw was named",
            "a withdrawal removes delivered files' rows, so it must say which files",
            "give --file PATH, --submission SERVICE/MONTH, --service SERVICE or --sha256 HEX (comma-separated"
                + " lists are fine)");
      }
      for (String submission : s.submissions) {
        String[] parts = submission.split("/");
        if (parts.length != 2 || parts[0].isBlank() || !parts[1].matches("\\d+")) {
          throw TtoException.withExitCode(TtoException.USAGE, "Submission '" + submission + "' is not SERVICE/MONTH",
              "a submission is one service's folder for one month, <OrgID_Provider>/<Unique_MonthID>",
              "write it as the extract folder is named, e.g. --submission T0001/1489");
        }
      }
      for (String sha : s.sha256s) {
        if (!sha.matches("[0-9a-f]{64}")) {
          throw TtoException.withExitCode(TtoException.USAGE, "Checksum '" + sha + "' is not a SHA-256",
              "--sha256 takes a file's checksum as meta.ingested_files.sha256 holds it: 64 hexadecimal digits",
              "copy it from scripts/tto sql -e \"SELECT file, sha256 FROM tt_meta.ingested_files\"");
        }
      }
      return s;
    }

    private static Set<String> split(String list) {
      if (list == null) {
        return Set.of();
      }
      return Arrays.stream(list.split(",")).map(String::trim).filter(x -> !x.isEmpty())
          .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    boolean matches(LedgerFile f) {
      return files.contains(f.file())
          || submissions.contains(f.serviceId() + "/" + f.monthId())
          || services.contains(f.serviceId())
          || sha256s.contains(f.sha256());
    }

    /** The selectors that match none of {@code known}, each as the option it came from. */
    List<String> unmatched(List<LedgerFile> known) {
      List<String> out = new ArrayList<>();
      check(out, "--file", files, v -> f -> f.file().equals(v), known);
      check(out, "--submission", submissions, v -> f -> (f.serviceId() + "/" + f.monthId()).equals(v), known);
      check(out, "--service", services, v -> f -> f.serviceId().equals(v), known);
      check(out, "--sha256", sha256s, v -> f -> f.sha256().equals(v), known);
      return out;
    }

    private static void check(List<String> out, String option, Set<String> values,
        Function<String, Predicate<LedgerFile>> matcher, List<LedgerFile> known) {
      for (String v : new TreeSet<>(values)) {
        if (known.stream().noneMatch(matcher.apply(v))) {
          out.add(option + " " + v);
        }
      }
    }
  }

  /** One file of the ledger that the selection matched. */
  public record LedgerFile(
      String file, String sha256, String serviceId, int monthId, String table, String status, long rowsAccepted,
      long rowsQuarantined) {}

  /**
   * What a withdrawal did (or, in a dry run, would do).
   *
   * @param files the files withdrawn now
   * @param alreadyWithdrawn files the selection matched that an earlier withdrawal took out
   * @param rowsRemoved rows deleted per table (a dry run: rows that would be)
   * @param rowsRecorded per bronze table, the rows the ledger recorded as accepted from the files withdrawn now;
   *     equal to {@code rowsRemoved} unless a killed withdrawal had already removed some
   */
  public record Outcome(
      boolean dryRun, String reason, Instant at, List<LedgerFile> files, List<LedgerFile> alreadyWithdrawn,
      Map<String, Long> rowsRemoved, Map<String, Long> rowsRecorded) {

    public long bronzeRowsRemoved() {
      return sum(rowsRemoved, "bronze.");
    }

    public long quarantineRowsRemoved() {
      return sum(rowsRemoved, "quarantine.");
    }

    private static long sum(Map<String, Long> rows, String prefix) {
      return rows.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue)
          .sum();
    }

    /** One line for a console or a scheduler's log. */
    public String summaryLine() {
      long submissions = files.stream().map(f -> f.serviceId() + "/" + f.monthId()).distinct().count();
      String what = String.format(Locale.ROOT, "%s %s (%s): %,d bronze and %,d quarantined rows %s",
          dryRun ? "would withdraw" : "withdrew", count(files.size(), "file"), count(submissions, "submission"),
          bronzeRowsRemoved(), quarantineRowsRemoved(), dryRun ? "would be removed" : "removed");
      return alreadyWithdrawn.isEmpty() ? what
          : what + "; " + count(alreadyWithdrawn.size(), "file") + " already withdrawn";
    }

    private static String count(long n, String noun) {
      return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** The JSON summary. */
    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("dry_run", dryRun);
      json.put("reason", reason);
      json.put("at", at.toString());
      json.put("files", files.stream().map(Outcome::json).toList());
      json.put("already_withdrawn", alreadyWithdrawn.stream().map(LedgerFile::file).toList());
      json.put("rows_removed", new TreeMap<>(rowsRemoved));
      json.put("rows_recorded_as_accepted", new TreeMap<>(rowsRecorded));
      return json;
    }

    private static Map<String, Object> json(LedgerFile f) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", f.file());
      m.put("sha256", f.sha256());
      m.put("service_id", f.serviceId());
      m.put("month_id", f.monthId());
      m.put("rows_accepted", f.rowsAccepted());
      m.put("rows_quarantined", f.rowsQuarantined());
      return m;
    }
  }

  private final Lake lake;
  private final Settings settings;
  private Consumer<String> progress = message -> {};
  private Consumer<String> afterDelete = table -> {};

  private Withdrawal(Lake lake, Settings settings) {
    this.lake = Objects.requireNonNull(lake);
    this.settings = Objects.requireNonNull(settings);
  }

  /** A withdrawal from {@code lake}; {@code settings} give how long to wait for the ingest lock. */
  public static Withdrawal from(Lake lake, Settings settings) {
    return new Withdrawal(lake, settings);
  }

  /** Sends one line per step to {@code progress}. */
  public Withdrawal reportingTo(Consumer<String> progress) {
    this.progress = Objects.requireNonNull(progress);
    return this;
  }

  /** Calls {@code hook} with each table's name right after its delete commits (tests inject failures here). */
  Withdrawal afterEachDelete(Consumer<String> hook) {
    this.afterDelete = Objects.requireNonNull(hook);
    return this;
  }

  /**
   * Withdraws the files {@code selection} names, recording {@code reason} in the ledger; a dry run changes
   * nothing and counts the rows that would go.
   */
  public Outcome run(Selection selection, String reason, boolean dryRun) {
    if (reason == null || reason.isBlank()) {
      throw TtoException.withExitCode(TtoException.USAGE, "No reason was given for the withdrawal",
          "meta.ingested_files keeps why each file was withdrawn, for whoever later asks where its rows went",
          "add --reason \"…\" (say who asked and why; name no person)");
    }
    Matcher candidate = IDENTIFIER_LIKE.matcher(reason);
    while (candidate.find()) {
      String kind = DirectIdentifiers.valueKind(candidate.group().trim());
      if (kind != null) {
        throw TtoException.withExitCode(TtoException.USAGE, "The reason for the withdrawal holds " + kind,
            "it is kept in meta.ingested_files, which must identify no one",
            "say why without it (e.g. the provider's ticket number); nothing was withdrawn");
      }
    }
    Configuration conf = lake.spark().sparkContext().hadoopConfiguration();
    try (LakeLock lock = LakeLock.acquire(lake.root(), conf, LakeLock.INGEST, settings, progress)) {
      completePending(lake, conf, progress);
      return runLocked(selection, reason.strip(), dryRun, conf);
    }
  }

  private Outcome runLocked(Selection selection, String reason, boolean dryRun, Configuration conf) {
    List<LedgerFile> known = ledger(lake);
    List<String> unmatched = selection.unmatched(known);
    if (!unmatched.isEmpty()) {
      throw TtoException.withExitCode(TtoException.USAGE,
          "No ingested file matches " + String.join(", ", unmatched) + "; nothing was withdrawn",
          "every file, submission, service and checksum named must match a file in meta.ingested_files, so that"
              + " a slip in one never leaves the others half-done",
          "list what the lakehouse holds with scripts/tto sql -e \"SELECT file, sha256, status FROM"
              + " tt_meta.ingested_files ORDER BY file\" (submissions are SERVICE/MONTH, e.g. T0001/1489)");
    }
    List<LedgerFile> matched = known.stream().filter(selection::matches).toList();
    List<LedgerFile> fresh = matched.stream().filter(f -> FileSurvey.Status.INGESTED.name().equals(f.status()))
        .toList();
    List<LedgerFile> already = matched.stream().filter(f -> WITHDRAWN.equals(f.status())).toList();
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Map<String, Long> recorded = recorded(fresh);
    if (fresh.isEmpty()) {
      return new Outcome(dryRun, reason, at, fresh, already, Map.of(), recorded);
    }
    Set<String> shas = fresh.stream().map(LedgerFile::sha256).collect(Collectors.toCollection(TreeSet::new));
    if (dryRun) {
      Map<String, Long> rows = new TreeMap<>();
      for (String table : tablesHolding(lake, fresh)) {
        rows.put(table, lake.read(table).filter(rowsOf(fresh)).count());
      }
      return new Outcome(true, reason, at, fresh, already, rows, recorded);
    }
    Pending pending = new Pending(Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now())),
        List.copyOf(shas), ledgerReason(at, reason));
    Path marker = write(pending, conf);
    Map<String, Long> removed = apply(lake, pending, fresh, progress, afterDelete);
    remove(marker, conf);
    return new Outcome(false, reason, at, fresh, already, removed, recorded);
  }

  /** The ledger's reason of a file withdrawn at {@code at}. */
  static String ledgerReason(Instant at, String reason) {
    return "withdrawn " + at + ": " + reason;
  }

  /** Rows the ledger recorded as accepted into each bronze table from {@code files}. */
  private static Map<String, Long> recorded(List<LedgerFile> files) {
    Map<String, Long> out = new TreeMap<>();
    for (LedgerFile f : files) {
      idsTable(f).ifPresent(
          t -> out.merge(IngestTables.bronze(t), f.rowsAccepted(), Long::sum));
    }
    return out;
  }

  /** Every file of the ledger that was ingested or withdrawn (refused files left no rows), oldest first. */
  static List<LedgerFile> ledger(Lake lake) {
    if (!lake.exists(IngestTables.META)) {
      return List.of();
    }
    return lake.read(IngestTables.META)
        .filter(col("status").isin(FileSurvey.Status.INGESTED.name(), WITHDRAWN))
        .orderBy("ingested_at", "file")
        .select("file", "sha256", "service_id", "month_id", "table", "status", "rows_accepted", "rows_quarantined")
        .collectAsList().stream()
        .map(r -> new LedgerFile(r.getString(0), r.getString(1), r.getString(2), r.getInt(3), r.getString(4),
            r.getString(5), r.getLong(6), r.getLong(7)))
        .toList();
  }

  private static Optional<IdsTable> idsTable(LedgerFile f) {
    return f.table() == null ? Optional.empty() : IdsTable.forFileName(f.table());
  }

  /** The bronze and quarantine tables that can hold rows of {@code files}: those of the files' IDS tables. */
  private static List<String> tablesHolding(Lake lake, List<LedgerFile> files) {
    List<String> out = new ArrayList<>();
    files.stream().map(Withdrawal::idsTable).flatMap(Optional::stream).distinct()
        .sorted().forEach(t -> {
          for (String name : List.of(IngestTables.bronze(t), IngestTables.quarantine(t))) {
            if (lake.exists(name)) {
              out.add(name);
            }
          }
        });
    return out;
  }

  /**
   * Rows that came from {@code files}: by checksum, with the files' services and months beside it so that Delta
   * skips every file of other submissions by its statistics.
   */
  private static Column rowsOf(List<LedgerFile> files) {
    Object[] shas = files.stream().map(LedgerFile::sha256).distinct().toArray();
    Object[] services = files.stream().map(LedgerFile::serviceId).distinct().toArray();
    Object[] months = files.stream().map(LedgerFile::monthId).distinct().toArray();
    return col(IngestTables.SERVICE_ID).isin(services)
        .and(col(IngestTables.MONTH_ID).isin(months))
        .and(col(IngestTables.SOURCE_SHA256).isin(shas));
  }

  /**
   * Deletes the rows of the pending withdrawal's files from the tables that hold any (a table with none gets no
   * commit), then marks the files withdrawn in the ledger. Each step finds nothing left to do when repeated.
   */
  private static Map<String, Long> apply(Lake lake, Pending pending, List<LedgerFile> files,
      Consumer<String> progress, Consumer<String> afterDelete) {
    Map<String, Long> removed = new TreeMap<>();
    Column rows = rowsOf(files);
    for (String table : tablesHolding(lake, files)) {
      long count = lake.read(table).filter(rows).count();
      if (count > 0) {
        lake.delete(table, rows);
        progress.accept(String.format(Locale.ROOT, "%s: removed %,d rows", table, count));
      }
      removed.put(table, count);
      afterDelete.accept(table);
    }
    Set<String> shas = Set.copyOf(pending.sha256s());
    lake.delta(IngestTables.META).update(
        col("sha256").isin(shas.toArray()).and(col("status").equalTo(lit(FileSurvey.Status.INGESTED.name()))),
        Map.of("status", lit(WITHDRAWN), "reason", lit(pending.ledgerReason())));
    progress.accept("meta.ingested_files: " + files.size() + " files marked " + WITHDRAWN);
    return removed;
  }

  /** A withdrawal between its marker and the ledger's update: the files' checksums and the ledger's reason. */
  record Pending(String id, List<String> sha256s, String ledgerReason) {}

  /**
   * Completes every withdrawal a killed run left half-done; ingest calls it under its lock before it reads the
   * ledger, so that it never takes withdrawn bytes in again.
   */
  static void completePending(Lake lake, Configuration conf, Consumer<String> progress) {
    Path folder = new Path(lake.root(), PENDING);
    try {
      FileSystem fs = folder.getFileSystem(conf);
      if (!fs.exists(folder)) {
        return;
      }
      for (FileStatus status : fs.listStatus(folder)) {
        Pending pending = read(fs, status.getPath());
        if (pending != null) {
          Set<String> shas = Set.copyOf(pending.sha256s());
          List<LedgerFile> files = ledger(lake).stream().filter(f -> shas.contains(f.sha256())).toList();
          progress.accept("completing a withdrawal of " + files.size() + " files that was stopped before it"
              + " finished");
          if (!files.isEmpty()) {
            apply(lake, pending, files, progress, t -> {});
          }
        }
        fs.delete(status.getPath(), false);
      }
    } catch (IOException e) {
      throw infrastructure("Cannot read the pending-withdrawal markers in " + folder, e);
    }
  }

  private Path write(Pending pending, Configuration conf) {
    Path marker = new Path(new Path(lake.root(), PENDING), pending.id() + ".json");
    try (OutputStream out = marker.getFileSystem(conf).create(marker, true)) {
      JSON.writeValue(out, Map.of("id", pending.id(), "sha256s", pending.sha256s(),
          "ledger_reason", pending.ledgerReason()));
    } catch (IOException e) {
      throw infrastructure("Cannot write the pending-withdrawal marker " + marker, e);
    }
    return marker;
  }

  private static void remove(Path marker, Configuration conf) {
    try {
      marker.getFileSystem(conf).delete(marker, false);
    } catch (IOException e) {
      throw infrastructure("Cannot remove the pending-withdrawal marker " + marker, e);
    }
  }

  /** The withdrawal a marker records, or null when it is incomplete (killed while written: nothing done yet). */
  private static Pending read(FileSystem fs, Path marker) throws IOException {
    try (InputStream in = fs.open(marker)) {
      Map<?, ?> fields = JSON.readValue(in, Map.class);
      if (fields != null
          && fields.get("id") instanceof String id
          && fields.get("sha256s") instanceof List<?> shas
          && fields.get("ledger_reason") instanceof String reason) {
        return new Pending(id, shas.stream().map(Object::toString).toList(), reason);
      }
      return null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static TtoException infrastructure(String what, IOException e) {
    return TtoException.withExitCode(
        TtoException.INFRASTRUCTURE, what, e.toString(), "check the lakehouse storage and run the withdrawal again");
  }
}
