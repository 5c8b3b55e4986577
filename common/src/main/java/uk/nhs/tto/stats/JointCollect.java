package uk.nhs.tto.stats;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Collects several small aggregations as one Spark query, so that what they share is computed once: Spark reuses
 * an exchange (a shuffle or broadcast) that appears more than once in one query, so aggregations of the same
 * repartitioned or broadcast-joined data read their input once, where collecting them one by one would read it
 * once each (or need a cache of the wide rows).
 *
 * <p>Only for results that are small by construction (moment cells, per-cohort sums): every row reaches the
 * driver.
 */
public final class JointCollect {

  private JointCollect() {}

  /** The collected rows of each of {@code parts}, in order, each Row with its own part's schema. */
  public static List<List<Row>> collect(List<Dataset<Row>> parts) {
    if (parts.isEmpty()) {
      return List.of();
    }
    // One column per part (a struct of its row, null in the other parts' rows) beside the part's index, so that
    // parts of different schemas can be unioned without converting any value.
    Dataset<Row> all = null;
    for (int i = 0; i < parts.size(); i++) {
      List<Column> cols = new ArrayList<>();
      cols.add(lit(i).as("_part"));
      for (int j = 0; j < parts.size(); j++) {
        Dataset<Row> p = parts.get(j);
        cols.add(j == i ? struct(columns(p)).as("_p" + j) : lit(null).cast(schema(p)).as("_p" + j));
      }
      Dataset<Row> shaped = parts.get(i).select(cols.toArray(new Column[0]));
      all = all == null ? shaped : all.union(shaped);
    }
    List<List<Row>> out = new ArrayList<>();
    parts.forEach(p -> out.add(new ArrayList<>()));
    for (Row r : all.collectAsList()) {
      int part = r.getInt(0);
      out.get(part).add(r.getStruct(1 + part));
    }
    return out;
  }

  private static Column[] columns(Dataset<Row> part) {
    String[] names = part.columns();
    Column[] out = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = col("`" + names[i] + "`");
    }
    return out;
  }

  private static StructType schema(Dataset<Row> part) {
    return part.schema();
  }
}
