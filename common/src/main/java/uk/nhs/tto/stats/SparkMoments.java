package uk.nhs.tto.stats;

import static org.apache.spark.sql.functions.array;
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
 * Builds {@link Moments} from a Dataset in one Spark job: an aggregation per lowest-level group (its size and Σz,
 * as SQL aggregate expressions that whole-stage code generation compiles to tight loops), then a second
 * aggregation of those sums per (parent group, group size n); beside it, Σzzᵀ per parent group straight from the
 * rows (partial aggregation makes its shuffle a few rows per partition). Only O(parent groups × distinct n) rows
 * reach the driver.
 *
 * <p>Why Σzzᵀ is not summed per lowest-level group: its Woodbury weight is 1 whatever the group size, so only its
 * parent total matters, and leaving it out of the per-group aggregation — the only wide shuffle — cuts that
 * shuffle from q(q+1)/2 + q to q values per group. Products with the intercept are not aggregated at all (they
 * equal sums already computed) and are filled in on the driver.
 */
final class SparkMoments {

  private SparkMoments() {}

  private static Column[] concat(List<Column> first, Column... rest) {
    List<Column> all = new ArrayList<>(first);
    all.addAll(List.of(rest));
    return all.toArray(new Column[0]);
  }

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

    List<Column> keys = new ArrayList<>();
    List<Column> key1 = new ArrayList<>();
    if (splitColumn != null) {
      keys.add(col(splitColumn).cast("string").as("_split"));
      key1.add(col("_split"));
    }
    for (int i = 0; i < lowest.size(); i++) {
      keys.add(col(lowest.get(i)).as("_k" + i));
      key1.add(col("_k" + i));
    }
    Column ok = design.sparkComplete();
    // Complete rows only, unguarded (the per-group aggregation is the costly one); and all rows with incomplete
    // ones zeroed and flagged, for the per-parent sums that also count what was dropped.
    List<Column> plain = new ArrayList<>(keys);
    List<Column> select = new ArrayList<>(keys);
    select.add(when(ok, lit(1L)).otherwise(lit(0L)).as("_ok"));
    for (int j : free) {
      Column value = j == design.p() ? design.sparkResponse() : design.sparkColumn(j);
      plain.add(value.as("_z" + j));
      select.add(when(ok, value).otherwise(lit(0.0)).as("_z" + j));
    }

    // Per lowest-level group: its size and Σz (the Σzzᵀ products are summed per parent below, not per group,
    // which keeps the shuffle of this, the one wide aggregation, narrow).
    List<Column> agg1 = new ArrayList<>();
    for (int j : free) {
      agg1.add(sum(col("_z" + j)).as("s" + j));
    }
    Dataset<Row> base = data.select(select.toArray(new Column[0]));
    Dataset<Row> perGroup = data.filter(ok).select(plain.toArray(new Column[0]))
        .groupBy(key1.toArray(new Column[0]))
        .agg(count(lit(1)).as("n"), agg1.toArray(new Column[0]));

    List<Column> parentKey = new ArrayList<>();
    List<Column> parentNames = new ArrayList<>();
    parentKey.add(splitColumn == null ? lit(Moments.ALL).as("_split") : col("_split"));
    parentNames.add(col("_split"));
    for (int i = 0; i < pathLength; i++) {
      parentKey.add(col("_k" + i).cast("string").as("_p" + i));
      parentNames.add(col("_p" + i));
    }
    // Cells: per (parent, n) the number of groups, ΣΣz and Σ(Σz)(Σz)ᵀ, flattened into one array column.
    List<Column> cellKey = new ArrayList<>(parentKey);
    cellKey.add(col("n"));
    List<Column> cellValues = new ArrayList<>();
    for (int a = 0; a < free.size(); a++) {
      int i = free.get(a);
      cellValues.add(sum(col("s" + i)));
      for (int b = a; b < free.size(); b++) {
        cellValues.add(sum(col("s" + i).multiply(col("s" + free.get(b)))));
      }
    }
    Dataset<Row> cells = perGroup.groupBy(cellKey.toArray(new Column[0]))
        .agg(count(lit(1)).as("m"), array(cellValues.toArray(new Column[0])).as("v"))
        .select(concat(parentNames, col("n"), lit(0).as("kind"), col("m"), col("v")));
    // Rows: per parent the dropped-row count and Σzzᵀ (incomplete rows have z = 0).
    List<Column> rowValues = new ArrayList<>();
    rowValues.add(sum(col("_ok")).cast("double"));
    for (int j : free) {
      rowValues.add(sum(col("_z" + j)));
    }
    for (int a = 0; a < free.size(); a++) {
      for (int b = a; b < free.size(); b++) {
        rowValues.add(sum(col("_z" + free.get(a)).multiply(col("_z" + free.get(b)))));
      }
    }
    Dataset<Row> rows = base.groupBy(parentKey.toArray(new Column[0]))
        .agg(count(lit(1)).minus(sum(col("_ok"))).as("m"), array(rowValues.toArray(new Column[0])).as("v"))
        .select(concat(parentNames, lit(0L).as("n"), lit(1).as("kind"), col("m"), col("v")));

    Moments out = new Moments(design, nesting);
    // One Spark job; the collected table has a row per (split, parent, n) and one per (split, parent): small by
    // construction.
    for (Row r : cells.unionByName(rows).collectAsList()) {
      String split = r.getString(0);
      List<String> path = new ArrayList<>(pathLength);
      for (int i = 0; i < pathLength; i++) {
        path.add(r.getString(1 + i));
      }
      long n = r.getLong(1 + pathLength);
      int kind = r.getInt(2 + pathLength);
      long m = r.getLong(3 + pathLength);
      List<Double> v = r.getList(4 + pathLength);
      if (kind == 1) {
        out.addDropped(split, m);
        if (path.contains(null)) {
          continue;
        }
        // v = [complete rows, Σz_j (free j), Σz_a z_b (free pairs)]; products with the intercept are Σz_j and Σ1.
        double complete = v.get(0);
        double[] sz = new double[q];
        int at = 1;
        for (int j : free) {
          sz[j] = v.get(at++);
        }
        for (int j = 0; j < q; j++) {
          if (!free.contains(j)) {
            sz[j] = complete;
          }
        }
        double[] rowZZ = new double[q * (q + 1) / 2];
        for (int a = 0; a < free.size(); a++) {
          for (int b = a; b < free.size(); b++) {
            rowZZ[Moments.tri(free.get(a), free.get(b), q)] = v.get(at++);
          }
        }
        for (int i = 0; i < q; i++) {
          for (int j = i; j < q; j++) {
            boolean ci = !free.contains(i);
            boolean cj = !free.contains(j);
            if (ci && cj) {
              rowZZ[Moments.tri(i, j, q)] = complete;
            } else if (ci || cj) {
              rowZZ[Moments.tri(i, j, q)] = sz[ci ? j : i];
            }
          }
        }
        out.addRows(split, path, rowZZ);
        continue;
      }
      double[] s = new double[q];
      double[] outer = new double[q * (q + 1) / 2];
      int at = 0;
      for (int a = 0; a < free.size(); a++) {
        int i = free.get(a);
        s[i] = v.get(at++);
        for (int b = a; b < free.size(); b++) {
          outer[Moments.tri(i, free.get(b), q)] = v.get(at++);
        }
      }
      for (int j = 0; j < q; j++) {
        if (!free.contains(j)) {
          s[j] = (double) n * m;
        }
      }
      for (int i = 0; i < q; i++) {
        for (int j = i; j < q; j++) {
          boolean ci = !free.contains(i);
          boolean cj = !free.contains(j);
          if (ci && cj) {
            outer[Moments.tri(i, j, q)] = (double) n * n * m;
          } else if (ci || cj) {
            outer[Moments.tri(i, j, q)] = n * s[ci ? j : i];
          }
        }
      }
      out.addGroups(split, path, n, m, s, outer);
    }
    return out;
  }
}
