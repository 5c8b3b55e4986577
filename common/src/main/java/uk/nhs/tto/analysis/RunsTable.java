package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;

/**
 * The {@code results.runs} table: one row per analysis run with its provenance ({@link RunRecord}). A run's row
 * is written after its results, so a run listed here is complete.
 */
public final class RunsTable {

  public static final String NAME = "results.runs";

  private static final StructType QUALITY =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("table", DataTypes.StringType, false),
              DataTypes.createStructField("stage", DataTypes.StringType, true),
              DataTypes.createStructField("rule", DataTypes.StringType, true),
              DataTypes.createStructField("rows", DataTypes.LongType, false)));

  public static final StructType SCHEMA =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("run_id", DataTypes.StringType, false),
              DataTypes.createStructField("started_at", DataTypes.TimestampType, false),
              DataTypes.createStructField("ended_at", DataTypes.TimestampType, false),
              DataTypes.createStructField("command_line", DataTypes.StringType, true),
              DataTypes.createStructField("as_of", DataTypes.StringType, false),
              DataTypes.createStructField("config_json", DataTypes.StringType, false),
              DataTypes.createStructField("config_sha256", DataTypes.StringType, false),
              DataTypes.createStructField("code_version", DataTypes.StringType, false),
              DataTypes.createStructField(
                  "input_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false), false),
              DataTypes.createStructField("generator_seed", DataTypes.LongType, true),
              DataTypes.createStructField("quality", DataTypes.createArrayType(QUALITY, false), false)));

  private RunsTable() {}

  public static Row toRow(RunRecord run) {
    List<Row> quality = new ArrayList<>();
    for (QualityCount q : run.quality()) {
      quality.add(RowFactory.create(q.table(), q.stage(), q.rule(), q.rows()));
    }
    return RowFactory.create(
        run.runId(),
        Timestamp.from(run.startedAt()),
        Timestamp.from(run.endedAt()),
        run.commandLine(),
        run.asOf(),
        run.configJson(),
        run.configSha256(),
        run.codeVersion(),
        run.inputVersions(),
        run.generatorSeed(),
        quality);
  }

  public static RunRecord fromRow(Row r) {
    List<QualityCount> quality = new ArrayList<>();
    for (Row q : r.<Row>getList(r.fieldIndex("quality"))) {
      quality.add(new QualityCount(q.getString(0), q.getString(1), q.getString(2), q.getLong(3)));
    }
    int seed = r.fieldIndex("generator_seed");
    return new RunRecord(
        r.getString(r.fieldIndex("run_id")),
        instant(r.get(r.fieldIndex("started_at"))),
        instant(r.get(r.fieldIndex("ended_at"))),
        r.getString(r.fieldIndex("command_line")),
        r.getString(r.fieldIndex("as_of")),
        r.getString(r.fieldIndex("config_json")),
        r.getString(r.fieldIndex("config_sha256")),
        r.getString(r.fieldIndex("code_version")),
        r.<String, Long>getJavaMap(r.fieldIndex("input_versions")),
        r.isNullAt(seed) ? null : r.getLong(seed),
        quality);
  }

  /** The run with this id, if it was recorded (i.e. completed). */
  public static Optional<RunRecord> find(Lake lake, String runId) {
    if (!lake.exists(NAME)) {
      return Optional.empty();
    }
    List<Row> rows = lake.read(NAME).where(col("run_id").equalTo(runId)).limit(1).collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(fromRow(rows.get(0)));
  }

  /** The run with this id, or an error saying how to find run ids. */
  public static RunRecord require(Lake lake, String runId) {
    return find(lake, runId)
        .orElseThrow(
            () ->
                TtoException.of(
                    "Run '" + runId + "' is not in " + NAME + " at " + lake.path(NAME),
                    "only completed analyse runs are recorded there",
                    "list runs with: scripts/tto sql -e \"SELECT run_id, started_at FROM tt_results.runs\""));
  }

  /** The id of the most recently started completed run, if any. */
  public static Optional<String> latest(Lake lake) {
    if (!lake.exists(NAME)) {
      return Optional.empty();
    }
    List<Row> rows =
        lake.read(NAME).orderBy(col("started_at").desc(), col("run_id").desc()).select("run_id").limit(1)
            .collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).getString(0));
  }

  /** The input versions an earlier run recorded, for {@code --as-of-run}. */
  static Map<String, Long> inputVersions(Lake lake, String runId) {
    return require(lake, runId).inputVersions();
  }

  private static Instant instant(Object v) {
    return v instanceof Instant i ? i : ((Timestamp) v).toInstant();
  }
}
