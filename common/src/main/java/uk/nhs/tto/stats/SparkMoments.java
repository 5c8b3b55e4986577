package uk.nhs.tto.stats;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import uk.nhs.tto.lake.Sessions;

/**
 * Builds {@link Moments} from a Dataset in one Spark job and one read of its input: an aggregation per
 * lowest-level group (its rows, complete rows n, Σz and Σzzᵀ, as SQL aggregate expressions that whole-stage code
 * generation compiles to tight loops), then one aggregation of those per-group sums that yields both the cells —
 * per (parent group, group size n) the number of groups m, ΣΣz and Σ(Σz)(Σz)ᵀ — and each parent group's Σzzᵀ and
 * dropped rows (every group enters twice, once for its cell and once for its parent). Only O(parent groups ×
 * distinct n) rows reach the driver. The rows are shuffled once, by parent group, and both aggregations run after
 * that one exchange ({@link #plan}).
 *
 * <p>Why one chain and not two aggregations of the rows (one per group, one per parent, as before): Spark reads
 * the input once per branch of a plan, and the input — a scan and a join — costs more than carrying Σzzᵀ (q(q+1)/2
 * more values) through the per-group shuffle. Products with the intercept are not aggregated at all (they equal
 * sums already computed) and are filled in on the driver.
 *
 * <p>Data that hold each lowest-level group in one row (a course with its first and last score: one client, two
 * observations) skip the first aggregation: the per-group sums are a projection of the row, and only the per-cell
 * sums are shuffled, after Spark's map-side partial aggregation ({@link #plan(Dataset, Design, String, List, List)}).
 */
final class SparkMoments {

  private SparkMoments() {}


  /**
   * Builds the Moments of {@code data} in one Spark job; see the class comment. Without a split, rows that arrive
   * ordered by group are reduced as they stream past, with no shuffle ({@link OrderedGroups}); other rows are
   * grouped by {@link #plan}'s shuffle.
   */
  static Moments aggregate(Dataset<Row> data, Design design, String splitColumn) {
    Optional<Moments> ordered = splitColumn == null ? OrderedGroups.moments(data, design) : Optional.empty();
    if (ordered.isPresent()) {
      return ordered.get();
    }
    PlannedMoments planned = plan(data, design, splitColumn, List.of());
    return planned.fold(planned.aggregation().collectAsList());
  }

  /** The design columns whose values vary (every column but constant ones such as the intercept; the response). */
  static List<Integer> free(Design design) {
    List<Integer> free = new ArrayList<>();
    for (int j = 0; j <= design.p(); j++) {
      if (j == design.p() || !design.columns().get(j).constant()) {
        free.add(j);
      }
    }
    return free;
  }

  /**
   * The aggregation of {@code data} to moments, planned but not run: a small Dataset (a row per (split, parent, n)
   * and one per (split, parent)) and how to fold its collected rows into {@link Moments}. {@code parentSums} are
   * further numeric expressions over the rows, summed over every row (complete or not) of each parent group and
   * returned by {@link PlannedMoments#parentSums}: descriptions of the same data at no extra pass.
   */
  static PlannedMoments plan(Dataset<Row> data, Design design, String splitColumn, List<Column> parentSums) {
    return plan(data, design, splitColumn, parentSums, List.of());
  }

  /**
   * As {@link #plan(Dataset, Design, String, List)}; with {@code observations} not empty, each row of {@code data}
   * is a whole lowest-level group holding that many observations: observation k reads a variable from the column
   * {@code observations.get(k)} maps it to, and every other variable from the row's column of that name (constant
   * within the group). The per-group sums are then a projection of each row, and the rows are neither shuffled nor
   * grouped: only the small per-cell sums are (Spark's partial aggregation before its exchange). The caller
   * guarantees that no two rows of a split share a lowest-level group. {@code parentSums} are then expressions
   * over the group rows (one value per group, not per observation).
   */
  static PlannedMoments plan(Dataset<Row> data, Design design, String splitColumn, List<Column> parentSums,
      List<Map<String, Column>> observations) {
    Nesting nesting = new Nesting(design.formula());
    List<Integer> free = free(design);
    List<String> lowest = nesting.lowestKey();
    int pathLength = nesting.pathKey().size();
    Dataset<Row> perGroup = observations.isEmpty()
        ? perGroupOfRows(data, design, splitColumn, parentSums, free, lowest, pathLength)
        : perGroupOfWideRows(data, design, splitColumn, parentSums, free, nesting.pathKey(), observations);
    List<Column> splitKey = new ArrayList<>();
    if (splitColumn != null) {
      splitKey.add(col("_split"));
    }

    // Per (parent, n) cell: the number of groups m, ΣΣz and Σ(Σz)(Σz)ᵀ; beside them the cell's share of its
    // parent's row sums, which the driver adds up over the parent's cells. Groups whose rows are all incomplete
    // (n = 0) form no cell, only their parent's dropped rows. The parent keys keep their type while grouping (a
    // cast to string here would hide the partitioning from Spark and cost a cast per group); the few result rows
    // carry them as strings.
    List<Column> cellKey = new ArrayList<>(splitKey);
    for (int i = 0; i < pathLength; i++) {
      cellKey.add(col("_k" + i));
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
    Dataset<Row> cells = perGroup
        .groupBy(cellKey.toArray(new Column[0]))
        .agg(
            count(lit(1)).as("m"),
            sum(col("rows").minus(col("n"))).as("dropped"),
            array(cellValues.toArray(new Column[0])).as("vc"),
            array(rowValues.toArray(new Column[0])).as("vr"));
    List<Column> out = new ArrayList<>();
    out.add(splitColumn == null ? lit(Moments.ALL).as("_split") : col("_split"));
    for (int i = 0; i < pathLength; i++) {
      out.add(col("_k" + i).cast("string").as("_p" + i));
    }
    for (String c : List.of("n", "m", "dropped", "vc", "vr")) {
      out.add(col(c));
    }
    Dataset<Row> result = cells.select(out.toArray(new Column[0]));
    return new PlannedMoments(design, nesting, free, pathLength, parentSums.size(), result);
  }

  /**
   * Per lowest-level group of long-format rows (every row, incomplete ones zeroed and counted apart): the split,
   * the parent path {@code _k0…}, its rows, its complete rows n, Σz ({@code s<j>}), Σzzᵀ ({@code zz<a>_<b>}) and
   * the caller's sums ({@code e<e>}).
   */
  private static Dataset<Row> perGroupOfRows(Dataset<Row> data, Design design, String splitColumn,
      List<Column> parentSums, List<Integer> free, List<String> lowest, int pathLength) {
    // Without a split column there is no split key at all (a constant key would be hashed, stored and shuffled with
    // every group); its value is added to the few result rows at the end.
    List<Column> select = new ArrayList<>();
    List<Column> splitKey = new ArrayList<>();
    if (splitColumn != null) {
      select.add(col(splitColumn).cast("string").as("_split"));
      splitKey.add(col("_split"));
    }
    List<Column> groupKey = new ArrayList<>(splitKey);
    for (int i = 0; i < lowest.size(); i++) {
      select.add(col(lowest.get(i)).as("_k" + i));
      groupKey.add(col("_k" + i));
    }
    Column ok = design.sparkComplete();
    select.add(when(ok, lit(1L)).otherwise(lit(0L)).as("_ok"));
    List<Column> z = guardedValues(design, free, ok, functions::col);
    for (int a = 0; a < free.size(); a++) {
      select.add(z.get(a).as("_z" + free.get(a)));
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
    // One shuffle, not two: the rows go to partitions by their parent group (split and path), so each partition
    // holds whole parent groups and both aggregations below run in the stage after that one exchange — the
    // per-(parent, n) grouping is already clustered. Grouping by the lowest key and then by (parent, n) with
    // Spark's default plan shuffled twice (the per-group sums by the lowest key, then the cells) and AQE put the
    // first shuffle's read into one task on a small machine. Rows are shuffled before any sum (no map-side
    // combine): a partial per-group sum carries 16+ values where a row carries its few z values, and with 1–3
    // rows per client it hardly reduces the count. With one level there is no path, so rows go by their group.
    Dataset<Row> rows = data.select(select.toArray(new Column[0]));
    List<Column> clusterKey = new ArrayList<>(splitKey);
    for (int i = 0; i < (pathLength > 0 ? pathLength : lowest.size()); i++) {
      clusterKey.add(col("_k" + i));
    }
    return rows.repartition(partitions(rows), clusterKey.toArray(new Column[0]))
        .groupBy(groupKey.toArray(new Column[0]))
        .agg(count(lit(1)).as("rows"), perGroupSums.toArray(new Column[0]));
  }

  /**
   * The same per-group sums when each row is one whole group with {@code observations.size()} observations
   * ({@link #plan(Dataset, Design, String, List, List)}): a projection, no aggregation.
   */
  private static Dataset<Row> perGroupOfWideRows(Dataset<Row> data, Design design, String splitColumn,
      List<Column> parentSums, List<Integer> free, List<String> path, List<Map<String, Column>> observations) {
    List<Column> select = new ArrayList<>();
    if (splitColumn != null) {
      select.add(col(splitColumn).cast("string").as("_split"));
    }
    for (int i = 0; i < path.size(); i++) {
      select.add(col(path.get(i)).as("_k" + i));
    }
    select.add(lit((long) observations.size()).as("rows"));
    // Each observation's z values, zeroed when it is incomplete.
    List<Column> ok = new ArrayList<>();
    List<List<Column>> z = new ArrayList<>();
    for (Map<String, Column> observation : observations) {
      Function<String, Column> variable = v -> observation.getOrDefault(v, col(v));
      Column complete = design.sparkComplete(variable);
      ok.add(when(complete, lit(1L)).otherwise(lit(0L)));
      z.add(guardedValues(design, free, complete, variable));
    }
    select.add(sumOf(ok).as("n"));
    for (int a = 0; a < free.size(); a++) {
      List<Column> terms = new ArrayList<>();
      for (List<Column> values : z) {
        terms.add(values.get(a));
      }
      select.add(sumOf(terms).as("s" + free.get(a)));
    }
    for (int a = 0; a < free.size(); a++) {
      for (int b = a; b < free.size(); b++) {
        List<Column> terms = new ArrayList<>();
        for (List<Column> values : z) {
          terms.add(values.get(a).multiply(values.get(b)));
        }
        select.add(sumOf(terms).as("zz" + a + "_" + b));
      }
    }
    for (int e = 0; e < parentSums.size(); e++) {
      select.add(parentSums.get(e).cast("double").as("e" + e));
    }
    return data.select(select.toArray(new Column[0]));
  }

  /**
   * The free design columns' values (the response for the last column, index p), each variable read through
   * {@code variable}, zeroed where {@code complete} is false so that an incomplete row adds nothing.
   */
  private static List<Column> guardedValues(
      Design design, List<Integer> free, Column complete, Function<String, Column> variable) {
    List<Column> values = new ArrayList<>();
    for (int j : free) {
      Column value = j == design.p() ? design.sparkResponse(variable) : design.sparkColumn(j, variable);
      values.add(when(complete, value).otherwise(lit(0.0)));
    }
    return values;
  }

  private static Column sumOf(List<Column> terms) {
    Column out = terms.get(0);
    for (int k = 1; k < terms.size(); k++) {
      out = out.plus(terms.get(k));
    }
    return out;
  }

  /**
   * How many partitions the rows are shuffled into: enough for every core ({@code defaultParallelism}) and about
   * one per {@code spark.sql.adaptive.advisoryPartitionSizeInBytes} of Spark's estimate of the rows, at most
   * {@code spark.sql.shuffle.partitions} (the configured ceiling). The count is explicit because adaptive
   * coalescing, which sizes other shuffles, would merge this one into a single partition on a small machine (the
   * local profile asks for 64 MB partitions, more than a 2M-row fit shuffles) and the partition's per-group
   * aggregation would then run on one core.
   */
  static int partitions(Dataset<Row> rows) {
    SparkSession spark = rows.sparkSession();
    int ceiling = Sessions.shufflePartitions(spark);
    long advisory = Sessions.advisoryPartitionBytes(spark);
    scala.math.BigInt estimate = rows.queryExecution().optimizedPlan().stats().sizeInBytes();
    long bytes = estimate.isValidLong() ? estimate.toLong() : Long.MAX_VALUE;
    return Sessions.partitionsFor(bytes, advisory, spark.sparkContext().defaultParallelism(), ceiling);
  }

  /**
   * Folds the collected rows of {@link #plan}'s aggregation — (split, parent path…, n, m, dropped, cell sums, row
   * sums) — into Moments, on the driver, as they arrive (a row per split × parent × n: a few thousand for one
   * national model, half a million for a national subgroup run).
   */
  static Moments fold(Design design, Nesting nesting, List<Integer> free, int pathLength, Iterator<Row> collected) {
    int q = design.p() + 1;
    Moments out = new Moments(design, nesting);
    while (collected.hasNext()) {
      Row r = collected.next();
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
