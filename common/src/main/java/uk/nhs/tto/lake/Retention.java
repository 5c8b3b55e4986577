package uk.nhs.tto.lake;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;

/**
 * How long the lakehouse keeps earlier versions of its tables, and the clean-up that keeps it to that.
 *
 * <p>Every analysis records the Delta version of each table it read ({@code results.runs}), so that
 * {@code --as-of-run}, {@code --as-of-version} and {@code --as-of-timestamp} can reproduce it. Delta serves an
 * earlier version only while its log entries ({@code delta.logRetentionDuration}, 30 days by default) and the data
 * files it replaced ({@code delta.deletedFileRetentionDuration}, 7 days by default, also the limit Delta enforces on
 * time travel) are kept. Left at Delta's defaults, an analysis older than a week could not be re-run, while the files
 * of every superseded version (each derive rewrites silver and gold whole, about 2 GB for a national year) were
 * never removed. One setting, {@code tto.retention.days}, now sets both properties on every table
 * ({@link Lake#creationProperties} when a table is created, {@link #apply} for existing tables), and {@link #apply}
 * removes what is older: Delta's {@code VACUUM}, run on every table of the lake.
 */
public final class Retention {

  /** Built-in default of {@code tto.retention.days}. */
  public static final int DEFAULT_DAYS = 90;

  /**
   * The shortest retention accepted: {@code VACUUM} also removes files no version refers to yet, so a shorter one
   * could delete the files of a write still in progress (Delta refuses less than a week for the same reason).
   */
  public static final int MIN_DAYS = 7;

  /**
   * Table properties a purge leaves: the first version it kept (every earlier one is gone) and when, so that a read
   * of an earlier version is refused with the reason instead of failing on a missing file.
   */
  static final String PURGE_KEPT_FROM = "tto.purge.keptFromVersion";
  static final String PURGE_AT = "tto.purge.at";

  static final String LOG_RETENTION = "delta.logRetentionDuration";
  static final String FILE_RETENTION = "delta.deletedFileRetentionDuration";

  /** Commits that change a table's properties or record a clean-up, not its rows (see {@link Lake#lastDataVersion}). */
  static final Set<String> MAINTENANCE_OPERATIONS =
      Set.of("SET TBLPROPERTIES", "UNSET TBLPROPERTIES", "VACUUM START", "VACUUM END");

  private static final Set<String> BEYOND_RETENTION = Set.of(
      "DELTA_UNSUPPORTED_TIME_TRAVEL_BEYOND_DELETED_FILE_RETENTION_DURATION",
      "DELTA_VERSION_NOT_FOUND",
      "DELTA_LOG_FILE_NOT_FOUND",
      "DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION");

  private Retention() {}

  /** {@code tto.retention.days}, checked. */
  public static Duration fromSettings(Settings settings) {
    int days = settings.integer(Keys.RETENTION_DAYS);
    if (days < MIN_DAYS) {
      throw TtoException.of(
          "Setting '" + Keys.RETENTION_DAYS + "' is " + days,
          "the clean-up removes files older than this, and under " + MIN_DAYS + " days it could remove the files of"
              + " a write still in progress",
          "set it to " + MIN_DAYS + " or more (it is also how long an analysis can be re-run with --as-of-run)");
    }
    return Duration.ofDays(days);
  }

  /** The Delta table properties that keep earlier versions for {@code retention}. */
  static Map<String, String> properties(Duration retention) {
    String interval = retention.toSeconds() % 86_400 == 0
        ? "interval " + retention.toDays() + " days"
        : "interval " + retention.toSeconds() + " seconds";
    Map<String, String> out = new LinkedHashMap<>();
    out.put(LOG_RETENTION, interval);
    out.put(FILE_RETENTION, interval);
    return out;
  }

  /** What {@link #apply} did to one table. */
  public record TableOutcome(String table, boolean propertiesSet, long filesRemoved, long bytesRemoved) {}

  /** What {@link #apply} did to the lake. */
  public record Outcome(Duration retention, boolean dryRun, List<TableOutcome> tables) {

    public long filesRemoved() {
      return tables.stream().mapToLong(TableOutcome::filesRemoved).sum();
    }

    public long bytesRemoved() {
      return tables.stream().mapToLong(TableOutcome::bytesRemoved).sum();
    }

    /** Tables whose retention properties were (or, in a dry run, would be) set. */
    public long propertiesSet() {
      return tables.stream().filter(TableOutcome::propertiesSet).count();
    }

    /** One line for a console or a scheduler's log. */
    public String summaryLine() {
      return String.format(Locale.ROOT, "%s %d files (%.1f MB) older than %d days from %d tables%s",
          dryRun ? "would remove" : "removed", filesRemoved(), bytesRemoved() / 1e6, retention.toDays(),
          tables.size(), propertiesSet() == 0 ? ""
              : "; retention " + (dryRun ? "would be " : "") + "set on " + propertiesSet() + " tables");
    }

    /** The JSON summary. */
    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("retention_days", retention.toDays());
      json.put("dry_run", dryRun);
      json.put("files_removed", filesRemoved());
      json.put("bytes_removed", bytesRemoved());
      Map<String, Object> perTable = new LinkedHashMap<>();
      for (TableOutcome t : tables) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("properties_set", t.propertiesSet());
        m.put("files_removed", t.filesRemoved());
        m.put("bytes_removed", t.bytesRemoved());
        perTable.put(t.table(), m);
      }
      json.put("tables", perTable);
      return json;
    }
  }

  /**
   * Brings every table of the lake to {@code retention}: sets its retention properties where they differ (one
   * commit that changes no row), then removes the files that no version younger than {@code retention} needs
   * ({@code VACUUM … RETAIN}). A dry run changes nothing and reports what would be removed. The clean-up records no
   * commit of its own, so a lake with nothing to remove is left exactly as it was.
   */
  public static Outcome apply(Lake lake, Duration retention, boolean dryRun, Consumer<String> progress) {
    Map<String, String> wanted = properties(retention);
    double hours = retention.toSeconds() / 3600.0;
    List<TableOutcome> out = new ArrayList<>();
    withVacuumSettings(lake.spark(), () -> {
      for (String layer : Catalogue.LAYERS) {
        for (String table : Catalogue.tablesIn(lake, layer)) {
          String name = layer + "." + table;
          TableOutcome t = applyTo(lake, name, wanted, hours, dryRun);
          out.add(t);
          if (t.filesRemoved() > 0 || t.propertiesSet()) {
            progress.accept(String.format(Locale.ROOT, "%s: %s %d files (%.1f MB)%s", name,
                dryRun ? "would remove" : "removed", t.filesRemoved(), t.bytesRemoved() / 1e6,
                t.propertiesSet() ? "; retention " + (dryRun ? "would be " : "") + "set" : ""));
          }
        }
      }
    });
    return new Outcome(retention, dryRun, out);
  }

  /**
   * Removes every earlier version of each table of {@code layers} now, whatever the retention: what no longer
   * belongs in the lakehouse (withdrawn rows) must not stay readable through time travel. Rows a deletion vector
   * only marks as deleted are first rewritten out of their files. Each table then records the first version kept
   * ({@value #PURGE_KEPT_FROM}; one commit that changes no row), so that a read of an earlier one is refused with
   * the reason ({@link Lake#requireNotPurged}) instead of failing on a missing file. The caller must hold the locks of
   * every job that writes these tables ({@code VACUUM … RETAIN 0 HOURS} also removes files a running write has
   * not committed yet).
   */
  public static List<TableOutcome> purge(Lake lake, List<String> layers, Consumer<String> progress) {
    List<TableOutcome> out = new ArrayList<>();
    String at = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    withVacuumSettings(lake.spark(), () -> {
      for (String layer : layers) {
        for (String table : Catalogue.tablesIn(lake, layer)) {
          String name = layer + "." + table;
          Map<String, String> properties = lake.delta(name).detail().select("properties").first().getJavaMap(0);
          if ("true".equalsIgnoreCase(properties.get("delta.enableDeletionVectors"))) {
            lake.spark().sql("REORG TABLE " + quoted(lake, name) + " APPLY (PURGE)").collectAsList();
          }
          TableOutcome t = applyTo(lake, name, Map.of(), 0, false);
          lake.spark().sql(String.format(Locale.ROOT, "ALTER TABLE %s SET TBLPROPERTIES ('%s' = '%d', '%s' = '%s')",
              quoted(lake, name), PURGE_KEPT_FROM, lake.version(name), PURGE_AT, at));
          out.add(t);
          if (t.filesRemoved() > 0) {
            progress.accept(String.format(Locale.ROOT, "%s: removed %d files of earlier versions (%.1f MB)", name,
                t.filesRemoved(), t.bytesRemoved() / 1e6));
          }
        }
      }
    });
    return out;
  }

  /**
   * Runs {@code body} with the Spark settings the clean-up needs, restoring the session's own afterwards.
   *
   * <p>The retention has been checked against MIN_DAYS (or is a test's or a purge's); Delta's own check compares it
   * with the table's current property, which a dry run leaves as it was. For the same reason the RETAIN argument
   * must be honoured: Delta 4 ignores any but 0 and goes by the table's property. Logging the clean-up as commits
   * would give every table two new versions per run, which nightly would have to tell from new data. VACUUM lists
   * a table's folder with Spark's partition-discovery parallelism, 10,000 tasks by default: about 20,000 tasks a
   * table, 9.5 minutes for a small lake's 17 tables on 2 cores. The lake's tables are not partitioned, so there is
   * one folder to list, and the lists it joins are small: the cores are plenty.
   */
  private static void withVacuumSettings(SparkSession spark, Runnable body) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    settings.put("spark.databricks.delta.vacuum.retentionWindowIgnore.enabled", "false");
    settings.put("spark.databricks.delta.vacuum.logging.enabled", "false");
    String cores = Integer.toString(Math.max(1, spark.sparkContext().defaultParallelism()));
    settings.put("spark.sql.sources.parallelPartitionDiscovery.parallelism", cores);
    settings.put("spark.sql.shuffle.partitions", cores);
    Map<String, String> previous = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      previous.put(e.getKey(), spark.conf().contains(e.getKey()) ? spark.conf().get(e.getKey()) : null);
      spark.conf().set(e.getKey(), e.getValue());
    }
    try {
      body.run();
    } finally {
      previous.forEach((key, value) -> {
        if (value == null) {
          spark.conf().unset(key);
        } else {
          spark.conf().set(key, value);
        }
      });
    }
  }

  private static TableOutcome applyTo(Lake lake, String name, Map<String, String> wanted, double hours,
      boolean dryRun) {
    SparkSession spark = lake.spark();
    FileSystem fs = fileSystem(lake, name);
    Path root = fs.makeQualified(new Path(lake.path(name)));
    String quoted = quoted(lake, name);
    Map<String, String> current = lake.delta(name).detail().select("properties").first().getJavaMap(0);
    boolean differs = wanted.entrySet().stream().anyMatch(e -> !e.getValue().equals(current.get(e.getKey())));
    if (differs && !dryRun) {
      StringBuilder sql = new StringBuilder("ALTER TABLE ").append(quoted).append(" SET TBLPROPERTIES (");
      String sep = "";
      for (Map.Entry<String, String> e : wanted.entrySet()) {
        sql.append(sep).append('\'').append(e.getKey()).append("' = '").append(e.getValue()).append('\'');
        sep = ", ";
      }
      spark.sql(sql.append(')').toString());
    }
    Listing listing = Listing.of(fs, root);
    if (listing.files().equals(currentFiles(lake, name, fs))) {
      // Every file is one the current version reads: VACUUM would remove nothing at any retention, and costs a
      // snapshot, a listing job and a join per table (most of a nightly run that found nothing new).
      return new TableOutcome(name, differs, 0, 0);
    }
    String retain = String.format(Locale.ROOT, "VACUUM %s RETAIN %s HOURS", quoted, hours);
    if (dryRun) {
      List<Row> candidates = spark.sql(retain + " DRY RUN").collectAsList();
      long bytes = 0;
      for (Row r : candidates) {
        bytes += size(fs, new Path(r.getString(0)));
      }
      return new TableOutcome(name, differs, candidates.size(), bytes);
    }
    withoutConsoleOutput(() -> spark.sql(retain).collectAsList());
    Listing after = Listing.of(fs, root);
    return new TableOutcome(name, differs, listing.files().size() - after.files().size(),
        listing.bytes() - after.bytes());
  }

  /** The files the table's current version reads, qualified as {@link Listing} lists them. */
  private static Set<Path> currentFiles(Lake lake, String name, FileSystem fs) {
    Set<Path> out = new HashSet<>();
    for (String f : lake.read(name).inputFiles()) {
      out.add(fs.makeQualified(new Path(java.net.URI.create(f))));
    }
    return out;
  }

  /**
   * Runs {@code command} with Scala's console output discarded. Delta's VACUUM prints "Deleted N files and directories
   * in a total of M directories." to standard output for every table (a nightly run printed one per table), and a
   * job's standard output is its summary; the clean-up's counts are in its {@link Outcome} instead.
   */
  private static <T> T withoutConsoleOutput(Supplier<T> command) {
    return scala.Console$.MODULE$.withOut(OutputStream.nullOutputStream(), (scala.Function0<T>) command::get);
  }

  private static FileSystem fileSystem(Lake lake, String name) {
    Path root = new Path(lake.path(name));
    try {
      return root.getFileSystem(lake.spark().sessionState().newHadoopConf());
    } catch (IOException e) {
      throw TtoException.withExitCode(TtoException.INFRASTRUCTURE, "Cannot reach " + root, e.getMessage(),
          "check the lake's storage and credentials");
    }
  }

  /**
   * The table's name in SQL, by its qualified path: SQL names a table by path only when the path is absolute, and
   * the default lake, "lakehouse", is not.
   */
  private static String quoted(Lake lake, String name) {
    Path root = fileSystem(lake, name).makeQualified(new Path(lake.path(name)));
    return "delta.`" + root.toString().replace("`", "``") + "`";
  }

  /** A table's files outside its log (data files, deletion vectors, files no commit names) and their bytes. */
  private record Listing(Set<Path> files, long bytes) {

    static Listing of(FileSystem fs, Path root) {
      Set<Path> files = new HashSet<>();
      long bytes = 0;
      try {
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
          LocatedFileStatus s = it.next();
          if (!s.getPath().toUri().getPath().contains("/_delta_log/")) {
            files.add(fs.makeQualified(s.getPath()));
            bytes += s.getLen();
          }
        }
      } catch (IOException e) {
        throw TtoException.withExitCode(TtoException.INFRASTRUCTURE, "Cannot list " + root, e.getMessage(),
            "check the lake's storage and credentials");
      }
      return new Listing(files, bytes);
    }
  }

  private static long size(FileSystem fs, Path file) {
    try {
      return fs.getFileStatus(file).getLen();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Refuses a read of {@code version} of {@code table} when a purge removed it, naming when; returns otherwise.
   * {@code what} says what was asked.
   */
  static void refusePurged(Lake lake, String table, long version, String what) {
    Map<String, String> properties = lake.delta(table).detail().select("properties").first().getJavaMap(0);
    String keptFrom = properties.get(PURGE_KEPT_FROM);
    if (keptFrom != null && version < Long.parseLong(keptFrom)) {
      throw TtoException.of(
          "Table " + table + " cannot be read at " + what,
          "a purge (scripts/tto withdraw --purge) on " + properties.get(PURGE_AT) + " removed every version before "
              + keptFrom + ", so that withdrawn rows could not be read again",
          "the numbers of every earlier run stay in results.did and results.runs; analyse the current tables, or"
              + " a version from " + keptFrom + " on");
    }
  }

  /**
   * The error for a time-travel read Delta refused because the version is older than the lake keeps: what was
   * asked, why it is gone, and what remains. Any other failure is returned as it was.
   */
  static RuntimeException explain(Exception e, String table, String what, Duration retention) {
    String condition = e instanceof SparkThrowable st ? st.getCondition() : null;
    if (condition != null && BEYOND_RETENTION.contains(condition)) {
      return TtoException.of(
          "Table " + table + " cannot be read at " + what,
          "Delta serves an earlier version only within the table's retention (" + Keys.RETENTION_DAYS + ", now "
              + retention.toDays() + " days, sets it), and this one is older or has been removed (Delta: "
              + e.getMessage() + ")",
          "the numbers of every earlier run stay in results.did and results.runs; to keep runs re-runnable for"
              + " longer, raise " + Keys.RETENTION_DAYS + " and run scripts/tto vacuum, which applies it to every"
              + " table (versions already removed cannot be brought back)",
          e);
    }
    return e instanceof RuntimeException r ? r : Retention.<RuntimeException>unchecked(e);
  }

  /** Throws a checked exception Scala code threw undeclared (such as {@code AnalysisException}) as it is. */
  @SuppressWarnings("unchecked")
  private static <T extends Exception> RuntimeException unchecked(Exception e) throws T {
    throw (T) e;
  }
}
