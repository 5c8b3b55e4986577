package uk.nhs.tto.stats;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Builds {@link Moments} from a Dataset in one distributed pass: an aggregation per lowest-level group (sums of
 * z and of zzᵀ as SQL aggregate expressions, which whole-stage code generation compiles to tight loops), then a
 * second aggregation of those group sums per (parent group, group size n). Only the second result — O(parent
 * groups × distinct n) rows — reaches the driver.
 *
 * <p>Products with the intercept are not aggregated (they equal sums already computed) and are filled in on the
 * driver, which trims the aggregation for the common design with an intercept.
 */
final class SparkMoments {

  private SparkMoments() {}

  static Moments aggregate(Dataset<Row> data, Design design, String splitColumn) {
    Nesting nesting = new Nesting(design.formula());
    int q = design.p() + 1;
    List<Integer> free = new ArrayList<>();
    for (int j = 0; j < q; j++) {
      if (j == design.p() || !design.columns().get(j).constant()) {
        free.add(j);
      }
    }
    List<String> lowest = nesting.lowestKey();
    int pathLength = nesting.pathKey().size();

    List<Column> select = new ArrayList<>();
    List<Column> key1 = new ArrayList<>();
    if (splitColumn != null) {
      select.add(col(splitColumn).cast("string").as("_split"));
      key1.add(col("_split"));
    }
    for (int i = 0; i < lowest.size(); i++) {
      select.add(col(lowest.get(i)).as("_k" + i));
      key1.add(col("_k" + i));
    }
    Column ok = design.sparkComplete();
    select.add(when(ok, lit(1L)).otherwise(lit(0L)).as("_ok"));
    for (int j : free) {
      Column value = j == design.p() ? design.sparkResponse() : design.sparkColumn(j);
      select.add(when(ok, value).otherwise(lit(0.0)).as("_z" + j));
    }

    List<Column> agg1 = new ArrayList<>();
    agg1.add(count(lit(1)).minus(sum(col("_ok"))).as("d"));
    for (int a = 0; a < free.size(); a++) {
      int i = free.get(a);
      agg1.add(sum(col("_z" + i)).as("s" + i));
      for (int b = a; b < free.size(); b++) {
        int j = free.get(b);
        agg1.add(sum(col("_z" + i).multiply(col("_z" + j))).as("ss" + i + "_" + j));
      }
    }
    Dataset<Row> perGroup = data.select(select.toArray(new Column[0]))
        .groupBy(key1.toArray(new Column[0]))
        .agg(sum(col("_ok")).as("n"), agg1.toArray(new Column[0]));

    List<Column> key2 = new ArrayList<>();
    if (splitColumn != null) {
      key2.add(col("_split"));
    }
    for (int i = 0; i < pathLength; i++) {
      key2.add(col("_k" + i).cast("string").as("_p" + i));
    }
    key2.add(col("n"));
    List<Column> agg2 = new ArrayList<>();
    agg2.add(sum(col("d")).as("d"));
    for (int a = 0; a < free.size(); a++) {
      int i = free.get(a);
      agg2.add(sum(col("s" + i)).as("s" + i));
      for (int b = a; b < free.size(); b++) {
        int j = free.get(b);
        agg2.add(sum(col("ss" + i + "_" + j)).as("ss" + i + "_" + j));
        agg2.add(sum(col("s" + i).multiply(col("s" + j))).as("o" + i + "_" + j));
      }
    }
    Dataset<Row> cells = perGroup.groupBy(key2.toArray(new Column[0]))
        .agg(count(lit(1)).as("m"), agg2.toArray(new Column[0]));

    Moments out = new Moments(design, nesting);
    // The collected table has one row per (split, parent group, n): small by construction.
    for (Row r : cells.collectAsList()) {
      String split = splitColumn == null ? Moments.ALL : String.valueOf(r.<Object>getAs("_split"));
      long n = r.<Long>getAs("n");
      long dropped = r.<Long>getAs("d");
      out.addDropped(split, dropped);
      if (n == 0) {
        continue;
      }
      long m = r.<Long>getAs("m");
      List<String> path = new ArrayList<>(pathLength);
      for (int i = 0; i < pathLength; i++) {
        path.add(r.<String>getAs("_p" + i));
      }
      double[] s = new double[q];
      double[] rowZZ = new double[q * (q + 1) / 2];
      double[] outer = new double[q * (q + 1) / 2];
      for (int j = 0; j < q; j++) {
        s[j] = free.contains(j) ? r.<Double>getAs("s" + j) : (double) n * m;
      }
      for (int i = 0; i < q; i++) {
        for (int j = i; j < q; j++) {
          boolean ci = !free.contains(i);
          boolean cj = !free.contains(j);
          int t = Moments.tri(i, j, q);
          if (ci && cj) {
            rowZZ[t] = (double) n * m;
            outer[t] = (double) n * n * m;
          } else if (ci || cj) {
            int other = ci ? j : i;
            rowZZ[t] = s[other];
            outer[t] = n * s[other];
          } else {
            rowZZ[t] = r.<Double>getAs("ss" + i + "_" + j);
            outer[t] = r.<Double>getAs("o" + i + "_" + j);
          }
        }
      }
      out.addGroups(split, path, n, m, s, rowZZ, outer);
    }
    return out;
  }
}
