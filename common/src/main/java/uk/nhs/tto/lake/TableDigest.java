package uk.nhs.tto.lake;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * An order-independent fingerprint of a table's content, for telling whether two runs (local and cluster, disk and
 * S3) wrote the same thing: row count, schema, and the sum and the xor of one 64-bit hash per row, computed in a single
 * distributed aggregation (nothing is collected but one row).
 *
 * <p>Row order, file layout and column order do not change the digest; any changed, added, removed or duplicated row
 * does (the sum counts duplicates that the xor would cancel). Each value is hashed together with its null flag, so a
 * null moving between columns is a change. Columns that record when or in which run a row was written are left out
 * with {@link Options#ignoring}; doubles can be compared to a number of significant digits, because a distributed sum
 * may differ in its last bits with the order in which partitions were added.
 */
public final class TableDigest {

  /**
   * Columns that describe a run rather than the data, so they differ between otherwise identical runs: when and in
   * which batch a row was ingested (bronze, quarantine, meta.ingested_files), and a run's id, times, command line and
   * configuration (results.*), which name the deployment — master, profile, lake location — and the Delta versions
   * of the inputs it read ({@code input_versions}: a run completed after an interruption reads later versions of the
   * same content, because the interrupted run had already committed some of them).
   */
  public static final Set<String> RUN_COLUMNS =
      Set.of(
          "_ingested_at", "_batch_id", "ingested_at", "batch_id", "run_id", "started_at", "ended_at",
          "command_line", "config_json", "config_sha256", "input_versions");

  private final long rows;
  private final String schema;
  private final String content;

  private TableDigest(long rows, String schema, String content) {
    this.rows = rows;
    this.schema = schema;
    this.content = content;
  }

  /** What a digest leaves out and how precisely it compares floating-point values. */
  public static final class Options {

    private final Set<String> ignored;
    private final int significantDigits;

    private Options(Set<String> ignored, int significantDigits) {
      this.ignored = ignored;
      this.significantDigits = significantDigits;
    }

    /** Every column, every bit. */
    public static Options exact() {
      return new Options(Set.of(), 0);
    }

    /** These options without the named columns (case-insensitive; absent names are fine). */
    public Options ignoring(Collection<String> columns) {
      Set<String> all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
      all.addAll(ignored);
      all.addAll(columns);
      return new Options(all, significantDigits);
    }

    /** These options with top-level double and float columns compared to {@code digits} significant digits. */
    public Options significantDigits(int digits) {
      if (digits < 1 || digits > 17) {
        throw new IllegalArgumentException("Significant digits must be between 1 and 17, cannot be: " + digits);
      }
      return new Options(ignored, digits);
    }

    boolean ignores(String column) {
      return ignored.stream().anyMatch(column::equalsIgnoreCase);
    }
  }

  /** The digest of every column and bit of {@code data}. */
  public static TableDigest of(Dataset<Row> data) {
    return of(data, Options.exact());
  }

  /** The digest of {@code data} under {@code options}. */
  public static TableDigest of(Dataset<Row> data, Options options) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : data.schema().fields()) {
      if (!options.ignores(f.name())) {
        fields.add(f);
      }
    }
    fields.sort((a, b) -> a.name().compareTo(b.name()));
    List<Column> hashed = new ArrayList<>();
    List<String> schema = new ArrayList<>();
    for (StructField f : fields) {
      Column c = col("`" + f.name().replace("`", "``") + "`");
      hashed.add(normalised(c, f.dataType(), options.significantDigits));
      hashed.add(c.isNull());
      schema.add(f.name() + ":" + f.dataType().simpleString());
    }
    // A table with no digested columns still has rows to count; hash a constant so the sum counts them.
    Column rowHash = hashed.isEmpty() ? xxhash64(lit(0)) : xxhash64(hashed.toArray(new Column[0]));
    Row r =
        data.select(rowHash.as("h"))
            .agg(count(lit(1)), sum(col("h").cast("decimal(38,0)")), bit_xor(col("h")))
            .first();
    long rows = r.getLong(0);
    BigDecimal total = r.isNullAt(1) ? BigDecimal.ZERO : r.getDecimal(1);
    long xor = r.isNullAt(2) ? 0L : r.getLong(2);
    String content = total.toBigInteger().toString(16) + ":" + String.format("%016x", xor);
    return new TableDigest(rows, String.join(",", schema), content);
  }

  private static Column normalised(Column c, DataType type, int significantDigits) {
    if (significantDigits > 0 && (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType))) {
      return format_string("%." + (significantDigits - 1) + "e", c.cast("double"));
    }
    if (type instanceof MapType) {
      // Hashing a map depends on its entry order, which two writers need not share.
      return array_sort(map_entries(c));
    }
    return c;
  }

  /** Digests of every Delta table of the lake, by {@code layer.table} name in alphabetical order. */
  public static Map<String, TableDigest> ofLake(Lake lake, Options options) {
    Map<String, TableDigest> digests = new TreeMap<>();
    for (String layer : Catalogue.LAYERS) {
      for (String table : Catalogue.tablesIn(lake, layer)) {
        String name = layer + "." + table;
        digests.put(name, of(lake.read(name), options));
      }
    }
    return digests;
  }

  /**
   * The differences between two lakes' digests, one readable line per table that is missing from one side or differs
   * (empty when every table matches).
   */
  public static List<String> differences(Map<String, TableDigest> left, Map<String, TableDigest> right) {
    Set<String> names = new TreeSet<>(left.keySet());
    names.addAll(right.keySet());
    List<String> out = new ArrayList<>();
    for (String name : names) {
      TableDigest a = left.get(name);
      TableDigest b = right.get(name);
      if (a == null || b == null) {
        out.add(name + ": only in the " + (a == null ? "second" : "first") + " lake");
      } else if (a.rows != b.rows) {
        out.add(name + ": " + a.rows + " rows against " + b.rows);
      } else if (!a.schema.equals(b.schema)) {
        out.add(name + ": columns differ: " + diff(a.schema, b.schema));
      } else if (!a.content.equals(b.content)) {
        out.add(name + ": same " + a.rows + " rows and columns, different content");
      }
    }
    return out;
  }

  private static String diff(String a, String b) {
    Set<String> onlyA = new TreeSet<>(Arrays.asList(a.split(",")));
    Set<String> onlyB = new TreeSet<>(Arrays.asList(b.split(",")));
    Set<String> common = new TreeSet<>(onlyA);
    common.retainAll(onlyB);
    onlyA.removeAll(common);
    onlyB.removeAll(common);
    return "first has " + onlyA + ", second has " + onlyB;
  }

  public long rows() {
    return rows;
  }

  /** The digested columns as {@code name:type}, sorted by name. */
  public String schema() {
    return schema;
  }

  /** The content hash: hexadecimal sum and xor of the row hashes. */
  public String content() {
    return content;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TableDigest)) {
      return false;
    }
    TableDigest d = (TableDigest) o;
    return rows == d.rows && schema.equals(d.schema) && content.equals(d.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rows, schema, content);
  }

  @Override
  public String toString() {
    return rows + " rows " + content;
  }
}
