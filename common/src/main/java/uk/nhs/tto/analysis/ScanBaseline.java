package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_date;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The yardstick the analysis's cost is measured against: one plain scan of a table that reads every column (a row
 * count plus the sum of each numeric column, of each date as a day number, of each boolean as 0/1 and of the length
 * of every other column, cast to text), so the engine's promise
 * "the whole analysis costs about one scan of gold.score_pairs" can be checked on real data.
 */
public final class ScanBaseline {

  private ScanBaseline() {}

  /** Runs the scan and returns its wall-clock seconds. */
  public static double seconds(Dataset<Row> table) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (StructField f : table.schema().fields()) {
      Column c = col("`" + f.name() + "`");
      if (f.dataType() instanceof NumericType) {
        aggs.add(sum(c));
      } else if (f.dataType() instanceof DateType) {
        aggs.add(sum(unix_date(c)));
      } else if (f.dataType() instanceof BooleanType) {
        aggs.add(sum(c.cast("int")));
      } else {
        aggs.add(sum(length(c.cast("string"))));
      }
    }
    long t0 = System.nanoTime();
    table.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).collectAsList();
    return (System.nanoTime() - t0) / 1e9;
  }
}
