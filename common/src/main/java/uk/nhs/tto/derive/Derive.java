package uk.nhs.tto.derive;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.catalog.MeasureCatalog;
import uk.nhs.tto.catalog.TherapyCodes;
import uk.nhs.tto.cohorts.CohortDefinition;
import uk.nhs.tto.cohorts.CohortFile;
import uk.nhs.tto.cohorts.CohortFileCheck;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.conform.BronzeVersions;
import uk.nhs.tto.conform.Conform;
import uk.nhs.tto.conform.ConformResult;
import uk.nhs.tto.conform.SilverTables;
import uk.nhs.tto.courses.Courses;
import uk.nhs.tto.disclosure.Disclosure;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;
import uk.nhs.tto.metrics.KeyMetrics;
import uk.nhs.tto.metrics.NationalMetrics;
import uk.nhs.tto.metrics.Thresholds;
import uk.nhs.tto.pairs.ScorePairs;

/**
 * The derive step: bronze.* → silver.* (+ quarantine stage derive) → gold.score_pairs, gold.courses,
 * gold.key_metrics. Every table is replaced whole in one atomic commit, and nothing in a row depends on when
 * derive ran, so re-running on the same bronze leaves every table's content unchanged. Each gold table is read
 * back from the lake before the next is built from it, which keeps each plan short and bronze scanned once.
 */
public final class Derive {

  public static final String SCORE_PAIRS = "gold.score_pairs";
  public static final String COURSES = "gold.courses";
  public static final String KEY_METRICS = "gold.key_metrics";

  /** Every table derive replaces, in the order it writes them (quarantine tables aside). */
  public static final List<String> TABLES;

  static {
    List<String> t = new ArrayList<>(SilverTables.NAMES);
    t.addAll(List.of(SCORE_PAIRS, COURSES, KEY_METRICS));
    TABLES = List.copyOf(t);
  }

  private Derive() {}

  /**
   * Runs derive on {@code lake}. Configuration: the measure catalogue ({@link Keys#MEASURES}) and therapy codes
   * ({@link Keys#THERAPY_CODES}) must exist; a missing cohort file ({@link Keys#COHORTS}) means no cohorts, with
   * a warning. Paths are relative to the working directory.
   */
  public static DeriveResult run(Lake lake, Settings settings) {
    return run(lake, settings, message -> {});
  }

  /**
   * As {@link #run(Lake, Settings)}, under the lakehouse's derive lock ({@link LakeLock#DERIVE}), telling
   * {@code progress} when it waits for another derive and which bronze versions it reads: every bronze table is read
   * at its version when the lock is taken ({@link BronzeVersions}), whatever ingest or withdraw commits meanwhile.
   */
  public static DeriveResult run(Lake lake, Settings settings, Consumer<String> progress) {
    try (LakeLock lock = LakeLock.acquire(
        lake.root(), lake.spark().sparkContext().hadoopConfiguration(), LakeLock.DERIVE, settings, progress)) {
      BronzeVersions bronze = BronzeVersions.current(lake);
      if (!bronze.isEmpty()) {
        progress.accept("derive reads bronze as of " + bronze.describe());
      }
      return ShufflePartitions.sizedFor(lake, () -> derive(lake, settings, bronze));
    }
  }

  private static DeriveResult derive(Lake lake, Settings settings, BronzeVersions bronze) {
    MeasureCatalog catalogue = MeasureCatalog.load(Path.of(settings.string(Keys.MEASURES)));
    TherapyCodes therapyCodes = TherapyCodes.load(Path.of(settings.string(Keys.THERAPY_CODES)));
    // Checked before anything is written: a broken configuration must not leave half-derived tables.
    Thresholds thresholds = Thresholds.from(catalogue);
    List<String> warnings = new ArrayList<>();
    List<CohortDefinition> cohorts = cohorts(settings, warnings);

    ConformResult conform = Conform.run(lake, catalogue, bronze);
    warnings.addAll(conform.warnings());

    SilverTables silver = SilverTables.read(lake);
    String derivedFrom = bronze.toJson();
    lake.overwrite(
        SCORE_PAIRS, ScorePairs.derive(silver.assessments(), silver.referrals(), catalogue), derivedFrom);
    lake.overwrite(
        COURSES, Courses.derive(silver, lake.read(SCORE_PAIRS), therapyCodes, cohorts, thresholds), derivedFrom);
    lake.overwrite(KEY_METRICS, KeyMetrics.compute(lake.read(COURSES)), derivedFrom);
    if (!cohorts.isEmpty()) {
      warnings.addAll(CohortFileCheck.warnings(cohorts, finishedByServiceAndCohort(lake.read(COURSES))));
    }

    // Silver rows are the accepted rows conform already counted; gold rows are what each write committed.
    Map<String, Long> rows = new LinkedHashMap<>(conform.silverRows());
    for (String table : List.of(SCORE_PAIRS, COURSES, KEY_METRICS)) {
      rows.put(table, rowsWritten(lake, table));
    }
    return new DeriveResult(
        bronze, rows, conform.reconciliations(), NationalMetrics.from(lake.read(KEY_METRICS)), cohorts.size(),
        warnings, Disclosure.from(settings));
  }

  /**
   * Rows written by the table's latest commit, from Delta's commit metrics (read from the log on the driver): no
   * Spark job re-counts what the write counted.
   */
  private static long rowsWritten(Lake lake, String table) {
    Row commit = lake.delta(table).history(1).select("operation", "operationMetrics").first();
    Map<String, String> metrics = commit.getJavaMap(1);
    String rows = metrics == null ? null : metrics.get("numOutputRows");
    if (rows == null) {
      throw new IllegalStateException(
          table + "'s latest commit (" + commit.getString(0) + ") records no numOutputRows; derive writes it last");
    }
    return Long.parseLong(rows);
  }

  /** Finished courses per service and cohort label: one small aggregation of gold.courses. */
  private static Map<String, Map<String, Long>> finishedByServiceAndCohort(Dataset<Row> courses) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    for (Row r : courses.where(col("finished").equalTo(true).and(col("cohort").isNotNull()))
        .groupBy("service_id", "cohort").count().collectAsList()) {
      out.computeIfAbsent(r.getString(0), s -> new HashMap<>()).put(r.getString(1), r.getLong(2));
    }
    return out;
  }

  private static List<CohortDefinition> cohorts(Settings settings, List<String> warnings) {
    String file = settings.stringOr(Keys.COHORTS, "");
    if (file.isEmpty() || !Files.exists(Path.of(file))) {
      warnings.add(
          "no cohort file" + (file.isEmpty() ? "" : " at " + file) + ": no course is given a cohort (SPEC §5);"
              + " create it (OrgID_Provider,ChangeDate,WindowMonths,WashoutDays) or pass --cohorts FILE");
      return List.of();
    }
    return CohortFile.load(Path.of(file));
  }
}
