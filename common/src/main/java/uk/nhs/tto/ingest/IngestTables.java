package uk.nhs.tto.ingest;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Names and schemas of the tables ingest writes (the lakehouse contract): {@code bronze.<table>},
 * {@code quarantine.<table>} and {@code meta.ingested_files}.
 */
public final class IngestTables {

  /** The file ledger: one row per file ingested or refused. */
  public static final String META = "meta.ingested_files";

  /** {@code quarantine.*.stage} of rows ingest quarantines. */
  public static final String STAGE = "ingest";

  public static final String SOURCE_FILE = "_source_file";
  public static final String SOURCE_SHA256 = "_source_sha256";
  public static final String LINE = "_line";
  public static final String INGESTED_AT = "_ingested_at";
  public static final String SERVICE_ID = "_service_id";
  public static final String MONTH_ID = "_month_id";
  public static final String BATCH_ID = "_batch_id";

  /**
   * Lineage columns of every bronze table. Delta keeps per-file statistics on {@code _batch_id}, which ingest's own
   * checks filter on ({@link uk.nhs.tto.lake.Lake#SKIPPING_COLUMNS}).
   */
  public static final StructType LINEAGE = source().add(BATCH_ID, StringType);

  public static final StructType QUARANTINE =
      source()
          .add("stage", StringType)
          .add("rule", StringType)
          .add("message", StringType)
          .add("record", StringType);

  /** {@code meta.ingested_files.status} of a file whose rows are in bronze and quarantine. */
  public static final String INGESTED = FileSurvey.Status.INGESTED.name();

  public static final StructType META_SCHEMA =
      new StructType()
          .add("file", StringType)
          .add("sha256", StringType)
          .add("service_id", StringType)
          .add("month_id", IntegerType)
          .add("table", StringType)
          .add("status", StringType)
          .add("reason", StringType)
          .add("rows_read", LongType)
          .add("rows_accepted", LongType)
          .add("rows_quarantined", LongType)
          .add("batch_id", StringType)
          .add("ingested_at", TimestampType);

  private static final Set<String> LINEAGE_NAMES =
      Arrays.stream(LINEAGE.fieldNames()).map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());

  private IngestTables() {}

  /** Where a row came from: the columns bronze and quarantine rows share. */
  private static StructType source() {
    return new StructType()
        .add(SOURCE_FILE, StringType)
        .add(SOURCE_SHA256, StringType)
        .add(LINE, LongType)
        .add(INGESTED_AT, TimestampType)
        .add(SERVICE_ID, StringType)
        .add(MONTH_ID, IntegerType);
  }

  public static String bronze(IdsTable table) {
    return "bronze." + table.tableName();
  }

  public static String quarantine(IdsTable table) {
    return "quarantine." + table.tableName();
  }

  static boolean isLineageColumn(String column) {
    return LINEAGE_NAMES.contains(column.toLowerCase(Locale.ROOT));
  }

  /**
   * The delivered columns of a bronze table after this batch: those it has (in its order), then the batch's new
   * ones in order of first appearance. Names match ignoring case, as Spark and Delta resolve them, and keep the
   * spelling first seen.
   */
  static List<String> deliveredColumns(StructType existing, IdsTable table, List<List<String>> headers) {
    Map<String, String> columns = new LinkedHashMap<>();
    if (existing != null) {
      for (String name : existing.fieldNames()) {
        if (!isLineageColumn(name)) {
          columns.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
        }
      }
    }
    table.required().keySet().forEach(name -> columns.putIfAbsent(name.toLowerCase(Locale.ROOT), name));
    headers.forEach(h -> h.forEach(name -> columns.putIfAbsent(name.toLowerCase(Locale.ROOT), name)));
    return new ArrayList<>(columns.values());
  }

  /** Lineage columns, then the delivered columns as strings. */
  static StructType bronzeSchema(List<String> delivered) {
    List<StructField> fields = new ArrayList<>(Arrays.asList(LINEAGE.fields()));
    delivered.forEach(name -> fields.add(new StructField(name, StringType, true, Metadata.empty())));
    return new StructType(fields.toArray(new StructField[0]));
  }
}
