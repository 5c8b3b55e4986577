package uk.nhs.tto.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;

/**
 * Ingests extract folders into the lakehouse (SPEC §1, the lakehouse contract): lists every file, skips those
 * already ingested, refuses whole files that break a file rule, and appends the rows of the rest to
 * {@code bronze.<table>} or, when they break a structural rule, {@code quarantine.<table>}; finally records every
 * new file in {@code meta.ingested_files}.
 *
 * <p>The work runs on executors in a few Spark jobs whatever the number of files: one surveys every file
 * (checksum, then for new files every file and row rule, counting), then one per table writes its bronze rows and,
 * where there are any, one its quarantine rows. Only per-file summaries reach the driver. The batch's commits
 * are made idempotent and resumable by {@link IngestLedger}, with {@code meta.ingested_files} written last, and
 * ingests of one lakehouse run one at a time ({@link LakeLock#INGEST}).
 *
 * <pre>{@code
 * IngestResult r = Ingest.into(lake, settings).reportingTo(System.err::println).run("extracts/");
 * }</pre>
 */
public final class Ingest {

  private final Lake lake;
  private final Settings settings;
  private Consumer<String> progress = message -> {};
  private Consumer<String> afterCommit = table -> {};
  private long started;
  private ProgressTicker ticker;

  /** Tables written at once: enough to overlap one table's commit with another's tasks, few enough for memory. */
  private static final int TABLES_AT_ONCE = 3;

  private Ingest(Lake lake, Settings settings) {
    this.lake = Objects.requireNonNull(lake);
    this.settings = Objects.requireNonNull(settings);
  }

  /** An ingest into {@code lake} configured by {@code settings} (the pseudonymisation key settings). */
  public static Ingest into(Lake lake, Settings settings) {
    return new Ingest(lake, settings);
  }

  /** Ingests {@code extractsRoot} (a folder or {@code s3a://} URI) without progress output. */
  public static IngestResult run(Lake lake, Settings settings, String extractsRoot) {
    return into(lake, settings).run(extractsRoot);
  }

  /** Sends one line per stage (what, how many, elapsed seconds) to {@code progress}. */
  public Ingest reportingTo(Consumer<String> progress) {
    this.progress = Objects.requireNonNull(progress);
    return this;
  }

  /** Calls {@code hook} with each table's name right after its append commits (tests inject failures here). */
  Ingest afterEachCommit(Consumer<String> hook) {
    this.afterCommit = Objects.requireNonNull(hook);
    return this;
  }

  public IngestResult run(String extractsRoot) {
    started = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(lake.spark().sparkContext());
    try (ProgressTicker ticker = new ProgressTicker(jsc.statusTracker(), this::say, 15)) {
      this.ticker = ticker;
      return ingest(jsc, extractsRoot);
    } finally {
      this.ticker = null;
    }
  }

  private IngestResult ingest(JavaSparkContext jsc, String extractsRoot) {
    HadoopConf conf = new HadoopConf(jsc.hadoopConfiguration());
    PseudonymisationKey key = PseudonymisationKey.resolve(settings, lake.root(), conf.get());
    say("pseudonymisation key from " + key.source());
    try (LakeLock lock = LakeLock.acquire(lake.root(), conf.get(), LakeLock.INGEST, settings, this::say)) {
      return ingestLocked(jsc, conf, key, extractsRoot);
    }
  }

  /** The run proper, under the lakehouse's ingest lock: no other ingest reads or writes its tables meanwhile. */
  private IngestResult ingestLocked(
      JavaSparkContext jsc, HadoopConf conf, PseudonymisationKey key, String extractsRoot) {
    List<ExtractFile> listed = ExtractListing.list(extractsRoot, conf.get());
    say("listed " + listed.size() + " files under " + extractsRoot);
    Withdrawal.completePending(lake, conf.get(), this::say);
    KnownFiles known = knownFiles();
    List<FileSurvey> surveys = survey(jsc, conf, listed, known);
    List<FileSurvey> fresh = surveys.stream().filter(s -> s.status() != FileSurvey.Status.SKIPPED).toList();
    long withdrawn = surveys.stream()
        .filter(s -> s.status() == FileSurvey.Status.SKIPPED && known.withdrawnSha256().contains(s.sha256()))
        .count();
    say(String.format("surveyed %d files: %d new, %d refused, %d already ingested%s", surveys.size(), fresh.size(),
        fresh.stream().filter(s -> s.status() == FileSurvey.Status.REFUSED).count(),
        surveys.size() - fresh.size() - withdrawn,
        withdrawn == 0 ? "" : ", " + withdrawn + " withdrawn (not ingested again; a corrected file with other"
            + " content would be)"));

    String batchId = fresh.isEmpty() ? null : batchId(fresh);
    IngestLedger ledger = new IngestLedger(lake, conf.get());
    IngestLedger.Attempt resumed = ledger.settle(batchId, known.batchIds(), this::say).orElse(null);
    if (fresh.isEmpty()) {
      return IngestResult.of(surveys, null);
    }
    IngestLedger.Attempt attempt =
        resumed != null
            ? resumed
            : new IngestLedger.Attempt(batchId, Instant.now().truncatedTo(ChronoUnit.MICROS), false);
    if (resumed == null) {
      ledger.begin(attempt);
    }
    writeTables(new Batch(jsc, conf, attempt, key.pseudonymiser()), fresh);
    writeMeta(fresh, attempt);
    ledger.finish(attempt);
    say("committed batch " + batchId);
    return IngestResult.of(surveys, batchId);
  }

  private KnownFiles knownFiles() {
    if (!lake.exists(IngestTables.META)) {
      return KnownFiles.none();
    }
    Set<String> ingested = new HashSet<>();
    Set<String> withdrawn = new HashSet<>();
    Set<String> refused = new HashSet<>();
    Set<String> batches = new HashSet<>();
    for (Row r : lake.read(IngestTables.META).select("file", "sha256", "status", "batch_id").collectAsList()) {
      if (FileSurvey.Status.INGESTED.name().equals(r.getString(2))) {
        ingested.add(r.getString(1));
      } else if (Withdrawal.WITHDRAWN.equals(r.getString(2))) {
        withdrawn.add(r.getString(1));
      } else {
        refused.add(KnownFiles.refusedKey(r.getString(0), r.getString(1)));
      }
      batches.add(r.getString(3));
    }
    return new KnownFiles(ingested, withdrawn, refused, batches);
  }

  private List<FileSurvey> survey(
      JavaSparkContext jsc, HadoopConf conf, List<ExtractFile> files, KnownFiles known) {
    List<List<ExtractFile>> bins =
        Bins.pack(files, ExtractFile::size, ExtractFile::relativePath, 2 * jsc.defaultParallelism());
    if (bins.isEmpty()) {
      return List.of();
    }
    Broadcast<KnownFiles> knownEverywhere = jsc.broadcast(known);
    String stage = "surveying " + files.size() + " files";
    describe(jsc, stage);
    try {
      return jsc.parallelize(bins, bins.size())
          .flatMap(
              bin -> {
                List<FileSurvey> out = new ArrayList<>(bin.size());
                for (ExtractFile f : bin) {
                  out.add(FileInspector.survey(f, knownEverywhere.value(), conf.get()));
                }
                return out.iterator();
              })
          .collect()
          .stream()
          .sorted(Comparator.comparing(s -> s.file().relativePath()))
          .toList();
    } catch (RuntimeException e) {
      throw failure("survey the extract files", e);
    } finally {
      ticker.done(stage);
      knownEverywhere.destroy();
    }
  }

  /** A batch is named by its files: the SHA-256 of their sorted checksums and paths. */
  static String batchId(List<FileSurvey> files) {
    return Sha256.of(
        files.stream()
            .map(s -> s.sha256() + " " + s.file().relativePath())
            .sorted()
            .collect(Collectors.joining("\n")));
  }

  /** What every append of one attempt shares. */
  private record Batch(
      JavaSparkContext jsc, HadoopConf conf, IngestLedger.Attempt attempt, Pseudonymiser pseudonymiser) {}

  /**
   * Writes each table's bronze and quarantine rows, a few tables at a time, biggest first: the appends are
   * independent and each is idempotent, and overlapping them keeps executors busy while the driver commits.
   */
  private void writeTables(Batch batch, List<FileSurvey> fresh) {
    Map<IdsTable, List<FileSurvey>> byTable =
        fresh.stream()
            .filter(s -> s.status() == FileSurvey.Status.INGESTED)
            .collect(Collectors.groupingBy(s -> s.file().table(), () -> new EnumMap<>(IdsTable.class),
                Collectors.toList()));
    List<IdsTable> biggestFirst =
        byTable.keySet().stream()
            .sorted(Comparator.comparingLong(
                (IdsTable t) -> byTable.get(t).stream().mapToLong(s -> s.file().size()).sum()).reversed())
            .toList();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            TABLES_AT_ONCE,
            r -> {
              Thread t = new Thread(r, "ingest-table-writer");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (IdsTable table : biggestFirst) {
        List<FileSurvey> files = byTable.get(table);
        writes.add(pool.submit(() -> {
          writeBronze(batch, table, files);
          writeQuarantine(batch, table, files);
        }));
      }
      Throwable failed = null;
      for (Future<?> write : writes) {
        try {
          write.get();
        } catch (ExecutionException e) {
          failed = failed == null ? e.getCause() : failed;
        }
      }
      if (failed instanceof RuntimeException e) {
        throw e;
      }
      if (failed instanceof Error e) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TtoException.withExitCode(
          TtoException.INFRASTRUCTURE, "Ingest was interrupted", "its thread was stopped while tables were written",
          "run ingest again; committed tables are resumed, not repeated");
    } finally {
      pool.shutdown();
    }
  }

  private void writeBronze(Batch batch, IdsTable table, List<FileSurvey> files) {
    if (files.isEmpty()) {
      return;
    }
    String name = IngestTables.bronze(table);
    boolean exists = lake.exists(name);
    List<String> delivered =
        IngestTables.deliveredColumns(
            exists ? lake.read(name).schema() : null, table, files.stream().map(FileSurvey::header).toList());
    HadoopConf conf = batch.conf();
    Timestamp ingestedAt = batch.attempt().ingestedAt();
    String batchId = batch.attempt().batchId();
    Pseudonymiser pseudonymiser = batch.pseudonymiser();
    JavaRDD<Row> rows =
        parallelize(batch.jsc(), files)
            .flatMap(bin -> new BronzeRows(bin, conf.get(), delivered, ingestedAt, batchId, pseudonymiser));
    commit(
        batch, name, lake.spark().createDataFrame(rows, IngestTables.bronzeSchema(delivered)), !exists,
        files.size(), files.stream().mapToLong(FileSurvey::rowsAccepted).sum(),
        col(IngestTables.BATCH_ID).equalTo(lit(batchId)));
  }

  private void writeQuarantine(Batch batch, IdsTable table, List<FileSurvey> files) {
    List<FileSurvey> withDefects = files.stream().filter(s -> s.rowsQuarantined() > 0).toList();
    if (withDefects.isEmpty()) {
      return;
    }
    HadoopConf conf = batch.conf();
    Timestamp ingestedAt = batch.attempt().ingestedAt();
    Pseudonymiser pseudonymiser = batch.pseudonymiser();
    JavaRDD<Row> rows =
        parallelize(batch.jsc(), withDefects)
            .flatMap(bin -> new QuarantineRows(bin, conf.get(), ingestedAt, pseudonymiser));
    commit(
        batch, IngestTables.quarantine(table), lake.spark().createDataFrame(rows, IngestTables.QUARANTINE), false,
        withDefects.size(), withDefects.stream().mapToLong(FileSurvey::rowsQuarantined).sum(),
        col("stage").equalTo(lit(IngestTables.STAGE)).and(col(IngestTables.INGESTED_AT).equalTo(lit(ingestedAt))));
  }

  /**
   * Appends one table's rows of the batch. After a resumed attempt the table must hold exactly the rows the survey
   * counted ({@code attemptRows} selects them): the killed attempt's commit is skipped by Delta, so this proves it
   * holds what this attempt would have written. A fresh attempt's append is one Spark job over checksum-verified
   * bytes and needs no such check.
   */
  private void commit(
      Batch batch, String name, Dataset<Row> data, boolean columnMapping, int files, long expected,
      Column attemptRows) {
    String stage = "writing " + name;
    describe(batch.jsc(), stage);
    try {
      append(name, data, batch.attempt(), columnMapping);
    } finally {
      ticker.done(stage);
    }
    if (batch.attempt().resumed()) {
      long found = lake.read(name).filter(attemptRows).count();
      if (found != expected) {
        throw TtoException.withExitCode(
            TtoException.INFRASTRUCTURE,
            name + " holds " + found + " rows of this ingest batch where " + expected + " were expected",
            "the table was changed by another process during ingest, or an earlier attempt was only partly undone",
            "make sure no other ingest runs on this lakehouse, then run ingest again");
      }
    }
    say(String.format("%s: appended %,d rows from %d files", name, expected, files));
    afterCommit.accept(name);
  }

  private void writeMeta(List<FileSurvey> fresh, IngestLedger.Attempt attempt) {
    List<Row> rows = new ArrayList<>();
    for (FileSurvey s : fresh) {
      ExtractFile f = s.file();
      rows.add(
          RowFactory.create(
              f.relativePath(),
              s.sha256(),
              f.serviceId(),
              f.monthId(),
              f.table() == null ? null : f.table().fileStem(),
              s.status().name(),
              s.reason(),
              s.rowsRead(),
              s.rowsAccepted(),
              s.rowsQuarantined(),
              attempt.batchId(),
              attempt.ingestedAt()));
    }
    append(IngestTables.META, lake.spark().createDataFrame(rows, IngestTables.META_SCHEMA), attempt, false);
    afterCommit.accept(IngestTables.META);
  }

  private JavaRDD<List<FileSurvey>> parallelize(JavaSparkContext jsc, List<FileSurvey> files) {
    List<List<FileSurvey>> bins =
        Bins.pack(files, s -> s.file().size(), s -> s.file().relativePath(), 2 * jsc.defaultParallelism());
    return jsc.parallelize(bins, bins.size());
  }

  /**
   * One idempotent Delta append of the attempt. New delivered columns are merged into the schema; bronze tables
   * are created with column mapping so that delivered column names may hold spaces or brackets.
   */
  private void append(String name, Dataset<Row> data, IngestLedger.Attempt attempt, boolean columnMapping) {
    Map<String, String> options = new HashMap<>(attempt.txnOptions());
    options.put("mergeSchema", "true");
    if (columnMapping) {
      options.put("delta.columnMapping.mode", "name");
    }
    try {
      lake.append(name, data, options);
    } catch (RuntimeException e) {
      throw failure("append to " + name, e);
    }
  }

  /** A Spark job failure as the user should see it: the TtoException a task raised, if one did. */
  private static RuntimeException failure(String what, RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TtoException tto) {
        return tto;
      }
    }
    return TtoException.withExitCode(
        TtoException.INFRASTRUCTURE,
        "Ingest could not " + what,
        String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()),
        "check the storage and the log above, then run ingest again; committed tables are resumed, not repeated");
  }

  private void describe(JavaSparkContext jsc, String stage) {
    jsc.setJobDescription("ingest: " + stage);
    ticker.begin(stage);
  }

  private synchronized void say(String message) {
    progress.accept(String.format("ingest: %s (%.1f s)", message, (System.nanoTime() - started) / 1e9));
  }
}
