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
 * Builds {@link Moments} from a Dataset in one Spark job and one read of its input: an aggregation per
 * lowest-level group (its rows, complete rows n, Σz and Σzzᵀ, as SQL aggregate expressions that whole-stage code
 * generation compiles to tight loops), then one aggregation of those per-group sums that yields both the cells —
 * per (parent group, group size n) the number of groups m, ΣΣz and Σ(Σz)(Σz)ᵀ — and each parent group's Σzzᵀ and
 * dropped rows (every group enters twice, once for its cell and once for its parent). Only O(parent groups ×
 * distinct n) rows reach the driver.
 *
 * <p>Why one chain and not two aggregations of the rows (one per group, one per parent, as before): Spark reads
 * the input once per branch of a plan, and the input — a scan and a join — costs more than carrying Σzzᵀ (q(q+1)/2
 * more values) through the per-group shuffle. Products with the intercept are not aggregated at all (they equal
 * sums already computed) and are filled in on the driver.
 */
final class SparkMoments {

  private SparkMoments() {}


  /** Builds the Moments of {@code data} in one Spark job; see the class comment. */
  static Moments aggregate(Dataset<Row> data, Design design, String splitColumn) {
    PlannedMoments planned = plan(data, design, splitColumn, List.of());
    return planned.fold(planned.aggregation().collectAsList());
  }

  /**
   * The aggregation of {@code data} to moments, planned but not run: a small Dataset (a row per (split, parent, n)
   * and one per (split, parent)) and how to fold its collected rows into {@link Moments}. {@code parentSums} are
   * further numeric expressions over the rows, summed over every row (complete or not) of each parent group and
   * returned by {@link PlannedMoments#parentSums}: descriptions of the same data at no extra pass.
   */
  static PlannedMoments plan(Dataset<Row> data, Design design, String splitColumn, List<Column> parentSums) {
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

    // Per lowest-level group (every row, incomplete ones zeroed and counted apart): its rows, its complete rows n,
    // Σz, Σzzᵀ and the caller's sums.
    List<Column> select = new ArrayList<>();
    List<Column> groupKey = new ArrayList<>();
    select.add((splitColumn == null ? lit(Moments.ALL) : col(splitColumn).cast("string")).as("_split"));
    groupKey.add(col("_split"));
    for (int i = 0; i < lowest.size(); i++) {
      select.add(col(lowest.get(i)).as("_k" + i));
      groupKey.add(col("_k" + i));
    }
    Column ok = design.sparkComplete();
    select.add(when(ok, lit(1L)).otherwise(lit(0L)).as("_ok"));
    for (int j : free) {
      Column value = j == design.p() ? design.sparkResponse() : design.sparkColumn(j);
      select.add(when(ok, value).otherwise(lit(0.0)).as("_z" + j));
    }
    for (int e = 0; e < parentSums.size(); e++) {
      select.add(parentSums.get(e).cast("double").as("_e" + e));
    }
    List<Column> perGroupSums = new ArrayList<>();
    perGroupSums.add(sum(col("_ok")).as("n"));
    for (int j : free) {
      perGroupSums.add(sum(col("_z" + j)).as("s" + j));
    }
    for (int a = 0; a < free.size(); a++) {
      for (int b = a; b < free.size(); b++) {
        perGroupSums.add(sum(col("_z" + free.get(a)).multiply(col("_z" + free.get(b)))).as("zz" + a + "_" + b));
      }
    }
    for (int e = 0; e < parentSums.size(); e++) {
      perGroupSums.add(sum(col("_e" + e)).as("e" + e));
    }
    Dataset<Row> perGroup = data.select(select.toArray(new Column[0]))
        .groupBy(groupKey.toArray(new Column[0]))
        .agg(count(lit(1)).as("rows"), perGroupSums.toArray(new Column[0]));

    // Per (parent, n) cell: the number of groups m, ΣΣz and Σ(Σz)(Σz)ᵀ; beside them the cell's share of its
    // parent's row sums, which the driver adds up over the parent's cells. Groups whose rows are all incomplete
    // (n = 0) form no cell, only their parent's dropped rows.
    List<Column> cellKey = new ArrayList<>();
    cellKey.add(col("_split"));
    for (int i = 0; i < pathLength; i++) {
      cellKey.add(col("_k" + i).cast("string").as("_p" + i));
    }
    cellKey.add(col("n"));
    // [ΣΣz_i, Σ(Σz_i)(Σz_j)] over the free columns.
    List<Column> cellValues = new ArrayList<>();
    for (int a = 0; a < free.size(); a++) {
      int i = free.get(a);
      cellValues.add(sum(col("s" + i)));
      for (int b = a; b < free.size(); b++) {
        cellValues.add(sum(col("s" + i).multiply(col("s" + free.get(b)))));
      }
    }
    // [Σz_a z_b over rows, the caller's sums]; the parent's complete rows and Σz_j follow from the cells.
    List<Column> rowValues = new ArrayList<>();
    for (int a = 0; a < free.size(); a++) {
      for (int b = a; b < free.size(); b++) {
        rowValues.add(sum(col("zz" + a + "_" + b)));
      }
    }
    for (int e = 0; e < parentSums.size(); e++) {
      rowValues.add(sum(col("e" + e)));
    }
    Dataset<Row> result = perGroup
        .groupBy(cellKey.toArray(new Column[0]))
        .agg(
            count(lit(1)).as("m"),
            sum(col("rows").minus(col("n"))).as("dropped"),
            array(cellValues.toArray(new Column[0])).as("vc"),
            array(rowValues.toArray(new Column[0])).as("vr"));
    return new PlannedMoments(design, nesting, free, pathLength, parentSums.size(), result);
  }

  /**
   * Folds the collected rows of {@link #plan}'s aggregation — (split, parent path…, n, m, dropped, cell sums, row
   * sums) — into Moments (on the driver; the rows are few).
   */
  static Moments fold(Design design, Nesting nesting, List<Integer> free, int pathLength, List<Row> collected) {
    int q = design.p() + 1;
    Moments out = new Moments(design, nesting);
    for (Row r : collected) {
      String split = r.getString(0);
      List<String> path = new ArrayList<>(pathLength);
      for (int i = 0; i < pathLength; i++) {
        path.add(r.getString(1 + i));
      }
      long n = r.getLong(1 + pathLength);
      long m = r.getLong(2 + pathLength);
      out.addDropped(split, r.getLong(3 + pathLength));
      if (n == 0 || path.contains(null)) {
        continue;
      }
      List<Double> vc = r.getList(4 + pathLength);
      List<Double> vr = r.getList(5 + pathLength);
      // Cell: ΣΣz and Σ(Σz)(Σz)ᵀ; the intercept's sums are n·m (Σz of a group of n rows is n) and n·ΣΣz_j.
      double[] s = new double[q];
      double[] outer = new double[q * (q + 1) / 2];
      int at = 0;
      for (int a = 0; a < free.size(); a++) {
        int i = free.get(a);
        s[i] = vc.get(at++);
        for (int b = a; b < free.size(); b++) {
          outer[Moments.tri(i, free.get(b), q)] = vc.get(at++);
        }
      }
      for (int j = 0; j < q; j++) {
        if (!free.contains(j)) {
          s[j] = (double) n * m;
        }
      }
      // Rows: Σzzᵀ; products with the intercept are the cell's Σz_j and its n·m rows.
      double[] rowZZ = new double[q * (q + 1) / 2];
      at = 0;
      for (int a = 0; a < free.size(); a++) {
        for (int b = a; b < free.size(); b++) {
          rowZZ[Moments.tri(free.get(a), free.get(b), q)] = vr.get(at++);
        }
      }
      for (int i = 0; i < q; i++) {
        for (int j = i; j < q; j++) {
          boolean ci = !free.contains(i);
          boolean cj = !free.contains(j);
          if (ci && cj) {
            outer[Moments.tri(i, j, q)] = (double) n * n * m;
            rowZZ[Moments.tri(i, j, q)] = (double) n * m;
          } else if (ci || cj) {
            outer[Moments.tri(i, j, q)] = n * s[ci ? j : i];
            rowZZ[Moments.tri(i, j, q)] = s[ci ? j : i];
          }
        }
      }
      out.addGroups(split, path, n, m, s, outer);
      out.addRows(split, path, rowZZ);
    }
    return out;
  }
}
