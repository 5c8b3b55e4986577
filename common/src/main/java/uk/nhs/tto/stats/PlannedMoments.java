package uk.nhs.tto.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The aggregation of a Dataset to {@link Moments}, planned but not yet run, so that a caller can collect it in the
 * same Spark job as other small aggregations of the same data ({@link JointCollect}) and read the data once.
 *
 * <p>{@link #aggregation()} is small by construction (a row per split × parent group × group size, and one per
 * split × parent group); {@link #fold} turns its collected rows into the Moments {@link SparkMoments} would have
 * built.
 */
public final class PlannedMoments {

  private final Design design;
  private final Nesting nesting;
  private final List<Integer> free;
  private final int pathLength;
  private final int parentSums;
  private final Dataset<Row> aggregation;

  PlannedMoments(
      Design design, Nesting nesting, List<Integer> free, int pathLength, int parentSums, Dataset<Row> aggregation) {
    this.design = design;
    this.nesting = nesting;
    this.free = List.copyOf(free);
    this.pathLength = pathLength;
    this.parentSums = parentSums;
    this.aggregation = aggregation;
  }

  /** The design the moments are of (resolved when planning: factor levels are known). */
  public Design design() {
    return design;
  }

  /** The Spark aggregation to collect. */
  public Dataset<Row> aggregation() {
    return aggregation;
  }

  /** The Moments from the collected rows of {@link #aggregation()}. */
  public Moments fold(List<Row> collected) {
    return SparkMoments.fold(design, nesting, free, pathLength, collected.iterator());
  }

  /**
   * Runs the aggregation and folds its rows as they arrive ({@link Dataset#toLocalIterator()}; with adaptive
   * execution, as both profiles run, its few partitions are fetched one after another), without ever holding them
   * all: a national subgroup run collects half a million cells, whose boxed rows, held at once, made the garbage
   * collector copy gigabytes (pauses of over 3 s) where folding them one by one leaves only short-lived garbage.
   */
  public Moments collect() {
    return SparkMoments.fold(design, nesting, free, pathLength, aggregation.toLocalIterator());
  }

  /**
   * The parent sums asked for when planning, from the collected rows of {@link #aggregation()}: keyed by split
   * then the parent group's key values (top first, as strings; a missing value is null), each the sums in the
   * order asked. Parent groups of rows whose split value is missing are not included.
   */
  public Map<List<String>, double[]> parentSums(List<Row> collected) {
    Map<List<String>, double[]> out = new LinkedHashMap<>();
    // Row sums: Σz_a z_b over the free pairs, then the caller's; a parent's are spread over its cells (one per n).
    int first = free.size() * (free.size() + 1) / 2;
    for (Row r : collected) {
      List<String> key = new ArrayList<>(1 + pathLength);
      for (int i = 0; i <= pathLength; i++) {
        key.add(r.getString(i));
      }
      List<Double> v = r.getList(5 + pathLength);
      double[] sums = out.computeIfAbsent(Collections.unmodifiableList(key), k -> new double[parentSums]);
      for (int e = 0; e < parentSums; e++) {
        sums[e] += v.get(first + e);
      }
    }
    return out;
  }
}
