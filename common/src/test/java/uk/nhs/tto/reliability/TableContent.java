package uk.nhs.tto.reliability;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.MapType;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.ingest.IngestTables;
import uk.nhs.tto.lake.Lake;

/**
 * An order-independent digest of a table's content, computed by Spark without bringing rows to the driver: the
 * row count and two 60-bit sums of per-row SHA-256 hashes (of the row as JSON, columns in name order, nulls kept,
 * doubles to 12 significant digits), plus the schema. Equal multisets of rows give equal digests whatever the
 * file layout or row order; a row lost, added twice or changed changes it. Columns whose values depend on the
 * wall clock (such as {@code _ingested_at}) are left out by name.
 */
public final class TableContent {

  /** Columns stamped with the time of a run: they legitimately differ between two runs on the same input. */
  public static final Set<String> CLOCK_COLUMNS = Set.of("_ingested_at", "ingested_at");

  private TableContent() {}

  /** The digest of {@code rows} without the columns named in {@code ignored}. */
  public static String digest(Dataset<Row> rows, Set<String> ignored) {
    String[] names =
        Arrays.stream(rows.columns()).filter(c -> !ignored.contains(c)).sorted().toArray(String[]::new);
    Column[] columns = Arrays.stream(names).map(c -> normalised(rows, c)).toArray(Column[]::new);
    Column hash = sha2(to_json(struct(columns), Map.of("ignoreNullFields", "false")), 256);
    Row r =
        rows.select(hash.as("h"))
            .agg(
                count(lit(1)),
                sum(conv(substring(col("h"), 1, 15), 16, 10).cast(DataTypes.createDecimalType(38, 0))),
                sum(conv(substring(col("h"), 16, 15), 16, 10).cast(DataTypes.createDecimalType(38, 0))))
            .first();
    String schema =
        Arrays.stream(names)
            .map(n -> n + ":" + rows.schema().apply(n).dataType().simpleString())
            .reduce((a, b) -> a + "," + b)
            .orElse("");
    return r.getLong(0) + " rows, " + r.get(1) + "/" + r.get(2) + ", " + Integer.toHexString(schema.hashCode());
  }

  /**
   * A column as digested: doubles (alone or as map values) to 12 significant digits, because a distributed sum
   * may differ in its last bits with the order in which partitions were added; everything else as it is.
   */
  private static Column normalised(Dataset<Row> rows, String name) {
    String quoted = "`" + name + "`";
    DataType type = rows.schema().apply(name).dataType();
    if (type instanceof DoubleType) {
      return expr("format_string('%.12g', " + quoted + ")").as(name);
    }
    if (type instanceof MapType map && map.valueType() instanceof DoubleType) {
      return expr("transform_values(" + quoted + ", (k, v) -> format_string('%.12g', v))").as(name);
    }
    return col(quoted);
  }

  /** Digests of every named table that exists in {@code lake} (absent ones read as "absent"). */
  public static Map<String, String> digests(Lake lake, Iterable<String> tables) {
    Map<String, String> out = new TreeMap<>();
    for (String table : tables) {
      out.put(table, lake.exists(table) ? digest(lake.read(table), CLOCK_COLUMNS) : "absent");
    }
    return out;
  }

  /**
   * What an ingest must never leave, even when killed: a file recorded twice in meta.ingested_files, or a
   * delivered line twice in a bronze table. Empty when there is neither.
   */
  public static List<String> ingestRepeats(Lake lake) {
    List<String> problems = new ArrayList<>();
    if (lake.exists(IngestTables.META)) {
      long repeated = duplicates(lake.read(IngestTables.META), "file");
      if (repeated > 0) {
        problems.add(repeated + " files recorded twice in " + IngestTables.META);
      }
    }
    for (IdsTable t : IdsTable.values()) {
      String bronze = IngestTables.bronze(t);
      long twice =
          lake.exists(bronze) ? duplicates(lake.read(bronze), IngestTables.SOURCE_FILE, IngestTables.LINE) : 0;
      if (twice > 0) {
        problems.add(bronze + " holds " + twice + " rows twice");
      }
    }
    return problems;
  }

  /** How many rows of {@code rows} repeat another row's values in {@code key} (0 when the key is unique). */
  public static long duplicates(Dataset<Row> rows, String... key) {
    return rows.count() - rows.select(Arrays.stream(key).map(c -> col(c)).toArray(Column[]::new)).distinct().count();
  }
}
