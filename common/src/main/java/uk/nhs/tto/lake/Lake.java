package uk.nhs.tto.lake;

import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import uk.nhs.tto.errors.TtoException;

/**
 * The only door to table storage: every Delta table of the lakehouse lives at {@code <root>/<layer>/<table>}
 * (root is a local folder or an {@code s3a://} URI) and is named {@code layer.table} in code,
 * e.g. {@code gold.courses}. Everything else in the library works on Datasets.
 */
public final class Lake {

  /**
   * The columns, where a table has them, on which Delta keeps data-skipping statistics (each file's minimum, maximum
   * and null count; the row count is always kept). Delta's default, the first 32 columns of every table, is
   * computed row by row while each file is written and cost about a seventh of derive's executor CPU
   * (docs/BENCHMARKS.md), mostly on pseudonymised ids whose random minimum and maximum let no query skip a file.
   *
   * <p>Only columns whose values each file holds few of are listed: ingest writes every extract file's rows into
   * files of their own ({@code _batch_id}, {@code _service_id}, {@code _month_id}; the ledger's {@code batch_id}),
   * each step writes its quarantine rows apart ({@code stage}, {@code rule}), and each analysis run appends files
   * of its own ({@code run_id}); these are also what the pipeline's own filters and deletes select on. Derive
   * rewrites silver and gold whole from shuffles that spread every service, month, cohort and measure over every
   * file (each of the national year's 34 silver.assessments files spans all 150 services, all 12 months and every
   * measure), so statistics on those columns there could skip no file and are not kept. Set as a table property
   * when a table is created; a table created before keeps the statistics it had (README, "Tables").
   */
  public static final List<String> SKIPPING_COLUMNS =
      List.of("_batch_id", "_service_id", "_month_id", "batch_id", "stage", "rule", "run_id");

  private final SparkSession spark;
  private final String root;
  private final Duration retention;

  /** A lake whose new tables keep earlier versions for {@link Retention#DEFAULT_DAYS}. */
  public Lake(SparkSession spark, String root) {
    this(spark, root, Duration.ofDays(Retention.DEFAULT_DAYS));
  }

  /**
   * A lake whose new tables keep earlier versions readable for {@code retention} (Delta's log and deleted-file
   * retention, set when a table is created; {@link Retention#apply} brings existing tables in line).
   */
  public Lake(SparkSession spark, String root, Duration retention) {
    this.spark = Objects.requireNonNull(spark);
    this.root = stripSlash(Objects.requireNonNull(root));
    this.retention = Objects.requireNonNull(retention);
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  /** How long earlier versions of the lake's tables stay readable (time travel) and their files kept. */
  public Duration retention() {
    return retention;
  }

  /** Storage location of {@code layer.table}. */
  public String path(String name) {
    int dot = name.indexOf('.');
    if (dot <= 0 || dot == name.length() - 1 || name.indexOf('.', dot + 1) >= 0) {
      throw new IllegalArgumentException("Table name must be layer.table, cannot be: " + name);
    }
    return root + "/" + name.substring(0, dot) + "/" + name.substring(dot + 1);
  }

  public boolean exists(String name) {
    return DeltaTable.isDeltaTable(spark, path(name));
  }

  /** The current version of a table. */
  public Dataset<Row> read(String name) {
    requireExists(name);
    return spark.read().format("delta").load(path(name));
  }

  /** The table as it was at a Delta version (time travel). */
  public Dataset<Row> readAsOfVersion(String name, long version) {
    requireExists(name);
    try {
      return spark.read().format("delta").option("versionAsOf", version).load(path(name));
    } catch (Exception e) {
      throw Retention.explain(e, name, "version " + version, retention);
    }
  }

  /**
   * Refuses, with the reason, a read of an earlier version that a purge removed ({@code scripts/tto withdraw
   * --purge}); returns when the version is still there. A read of the latest versions needs no such check.
   */
  public void requireNotPurged(String name, long version) {
    requireExists(name);
    Retention.refusePurged(this, name, version, "version " + version);
  }

  /** The table as it was at a timestamp ({@code yyyy-MM-dd HH:mm:ss} or a date). */
  public Dataset<Row> readAsOfTimestamp(String name, String timestamp) {
    requireExists(name);
    try {
      return spark.read().format("delta").option("timestampAsOf", timestamp).load(path(name));
    } catch (Exception e) {
      throw Retention.explain(e, name, "its version at " + timestamp, retention);
    }
  }

  /** Latest Delta version of a table, or -1 when it does not exist. */
  public long version(String name) {
    if (!exists(name)) {
      return -1;
    }
    Row last = DeltaTable.forPath(spark, path(name)).history(1).select("version").first();
    return last.getLong(0);
  }

  /** The latest version of the table whose commit changed its rows (maintenance commits passed over). */
  public long lastDataVersion(String name) {
    return lastDataCommitRow(name).getLong(0);
  }

  /**
   * Whether the table's rows are as they were at {@code version}: it is still at that version, or every commit since
   * is a maintenance one (retention properties set, a clean-up recorded). False for a table that does not exist.
   */
  public boolean unchangedSince(String name, long version) {
    if (!exists(name)) {
      return false;
    }
    long now = version(name);
    return now == version || (now > version && lastDataVersion(name) <= version);
  }

  /**
   * The {@code userMetadata} of the table's latest commit that changed its rows (maintenance commits passed over),
   * empty when that commit carries none: what the writer recorded beside the rows (derive: the bronze versions it
   * read; {@link #overwrite(String, Dataset, String)}).
   */
  public Optional<String> lastDataCommitMetadata(String name) {
    Row r = lastDataCommitRow(name);
    return r.isNullAt(2) ? Optional.empty() : Optional.of(r.getString(2));
  }

  private Row lastDataCommitRow(String name) {
    DeltaTable table = delta(name);
    int recent = 20;
    String[] columns = {"operation", "userMetadata"};
    List<Row> rows = table.history(recent).select("version", columns).collectAsList();
    if (rows.size() == recent
        && rows.stream().allMatch(r -> Retention.MAINTENANCE_OPERATIONS.contains(r.getString(1)))) {
      rows = table.history().select("version", columns).collectAsList();
    }
    Row newestData = null;
    Row oldest = null;
    for (Row r : rows) {
      if (oldest == null || r.getLong(0) < oldest.getLong(0)) {
        oldest = r;
      }
      boolean data = !Retention.MAINTENANCE_OPERATIONS.contains(r.getString(1));
      if (data && (newestData == null || r.getLong(0) > newestData.getLong(0))) {
        newestData = r;
      }
    }
    return newestData != null ? newestData : oldest;
  }

  /** Replaces a table's content (and schema) in one atomic Delta commit. */
  public void overwrite(String name, Dataset<Row> data) {
    overwrite(name, data, null);
  }

  /**
   * As {@link #overwrite(String, Dataset)}, recording {@code metadata} (when not null) in the commit's
   * {@code userMetadata}, where {@code DESCRIBE HISTORY} shows it and {@link #lastDataCommitMetadata} reads it.
   */
  public void overwrite(String name, Dataset<Row> data, String metadata) {
    DataFrameWriter<Row> w = data.write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true")
        .options(creationProperties(data));
    if (metadata != null) {
      w = w.option("userMetadata", metadata);
    }
    w.save(path(name));
  }

  /**
   * Replaces the rows matching {@code predicate} (SQL, e.g. {@code stage = 'derive'}) with {@code data} in one
   * atomic Delta commit, leaving other rows untouched; creates the table if needed. Every row of {@code data}
   * must match the predicate. How a step re-writes its own rows of a shared table idempotently; written again
   * when another job's commit to the table came between ({@link #CONFLICT_ATTEMPTS}).
   */
  public void replaceWhere(String name, String predicate, Dataset<Row> data) {
    retryingConflicts(name, "replace its rows where " + predicate, () ->
        data.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", predicate)
            .options(creationProperties(data)).save(path(name)));
  }

  /**
   * Deletes the rows matching {@code condition} in one Delta commit; deleted again when another job's commit to the
   * table came between ({@link #CONFLICT_ATTEMPTS}).
   */
  public void delete(String name, Column condition) {
    retryingConflicts(name, "delete rows", () -> delta(name).delete(condition));
  }

  /**
   * How many times a replace or delete is tried. Delta commits optimistically and refuses a commit that another
   * commit made since the write began may contradict (on tables without partitions, any file added since, e.g. an
   * ingest appending quarantined rows while derive replaces its own): trying again against the new version is
   * what makes both land. Neither write depends on what it read beyond its predicate, so repeating it is safe.
   */
  static final int CONFLICT_ATTEMPTS = 4;

  private void retryingConflicts(String name, String what, Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (RuntimeException e) {
        ConcurrentModificationException conflict = conflict(e);
        if (conflict == null) {
          throw e;
        }
        if (attempt >= CONFLICT_ATTEMPTS) {
          throw TtoException.withExitCode(
              TtoException.INFRASTRUCTURE,
              "Could not " + what + " in " + name + ": another job committed to it during each of " + attempt
                  + " attempts (" + conflict.getClass().getSimpleName() + ")",
              "Delta refuses a commit that another commit since may contradict, rather than lose either",
              "run this step again when the other job (an ingest or a withdrawal) has finished");
        }
      }
    }
  }

  /** The Delta commit conflict behind {@code e}, if that is what it is. */
  private static ConcurrentModificationException conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConcurrentModificationException c) {
        return c;
      }
    }
    return null;
  }

  /** Appends rows in one atomic Delta commit, creating the table if needed. */
  public void append(String name, Dataset<Row> data) {
    append(name, data, Map.of());
  }

  /**
   * Appends rows in one atomic Delta commit with Delta write options, e.g. {@code mergeSchema}, or
   * {@code txnAppId}/{@code txnVersion}, which make a repeated append of the same batch a no-op.
   */
  public void append(String name, Dataset<Row> data, Map<String, String> options) {
    data.write().format("delta").mode(SaveMode.Append).options(creationProperties(data)).options(options)
        .save(path(name));
  }

  /**
   * Table properties for a table of {@code data}'s columns, as {@code delta.}-prefixed write options: Delta applies
   * them when the write creates the table and ignores them otherwise. Statistics on {@link #SKIPPING_COLUMNS}
   * present, or on no column; earlier versions kept for {@link #retention()}.
   */
  Map<String, String> creationProperties(Dataset<Row> data) {
    List<String> skipping = Arrays.stream(data.columns()).filter(SKIPPING_COLUMNS::contains).toList();
    Map<String, String> out = new LinkedHashMap<>(Retention.properties(retention));
    if (skipping.isEmpty()) {
      out.put("delta.dataSkippingNumIndexedCols", "0");
    } else {
      out.put("delta.dataSkippingStatsColumns", String.join(",", skipping));
    }
    return out;
  }

  /** Bytes of the table's current data files, as its Delta log records them. */
  public long sizeInBytes(String name) {
    return delta(name).detail().select("sizeInBytes").first().getLong(0);
  }

  public DeltaTable delta(String name) {
    requireExists(name);
    return DeltaTable.forPath(spark, path(name));
  }

  private void requireExists(String name) {
    if (!exists(name)) {
      throw TtoException.of(
          "Table " + name + " does not exist at " + path(name),
          "an earlier step has not written it to this lakehouse",
          "run the step that creates it first (ingest creates bronze.*, derive creates silver.* and gold.*),"
              + " or check --lake");
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
  }
}
