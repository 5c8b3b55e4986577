package uk.nhs.tto.reliability;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.tto.lake.Lake;

/**
 * An order-independent digest of a table's content, computed by Spark without bringing rows to the driver: the
 * row count and two 60-bit sums of per-row SHA-256 hashes (of the row as JSON, columns in name order, nulls
 * kept), plus the schema. Equal multisets of rows give equal digests whatever the file layout or row order; a row
 * lost, added twice or changed changes it. Columns whose values depend on the wall clock (such as
 * {@code _ingested_at}) are left out by name.
 */
public final class TableContent {

  /** Columns stamped with the time of a run: they legitimately differ between two runs on the same input. */
  public static final Set<String> CLOCK_COLUMNS = Set.of("_ingested_at", "ingested_at");

  private TableContent() {}

  /** The digest of {@code rows} without the columns named in {@code ignored}. */
  public static String digest(Dataset<Row> rows, Set<String> ignored) {
    String[] names =
        Arrays.stream(rows.columns()).filter(c -> !ignored.contains(c)).sorted().toArray(String[]::new);
    Column[] columns = Arrays.stream(names).map(c -> col("`" + c + "`")).toArray(Column[]::new);
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

  /** Digests of every named table that exists in {@code lake} (absent ones read as "absent"). */
  public static Map<String, String> digests(Lake lake, Iterable<String> tables) {
    Map<String, String> out = new TreeMap<>();
    for (String table : tables) {
      out.put(table, lake.exists(table) ? digest(lake.read(table), CLOCK_COLUMNS) : "absent");
    }
    return out;
  }

  /** How many rows of {@code rows} repeat another row's values in {@code key} (0 when the key is unique). */
  public static long duplicates(Dataset<Row> rows, String... key) {
    return rows.count() - rows.select(Arrays.stream(key).map(c -> col(c)).toArray(Column[]::new)).distinct().count();
  }
}
