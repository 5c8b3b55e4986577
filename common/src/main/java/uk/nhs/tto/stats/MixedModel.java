package uk.nhs.tto.stats;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.formula.Formula;

/**
 * Fits linear mixed models with nested random intercepts exactly (the same estimates as lme4/lmerTest) from one
 * distributed pass over the data.
 *
 * <p>How: the data are reduced to {@link Moments} — per (parent group, group size) sums of the model matrix's
 * cross-products — by two chained Spark aggregations in one job (or, for rows that arrive sorted by group, by one
 * streaming pass with no shuffle: {@link OrderedGroups}); the driver collects only that reduced table and
 * optimises the profiled (RE)ML likelihood over the variance ratios from it ({@link NestedLikelihood}), then
 * derives SEs, Satterthwaite df and BLUPs from the same table.
 *
 * <p>No per-row work on the driver: the only rows the driver ever receives are (a) the distinct levels of
 * categorical fixed-effect columns (at most {@value DesignResolver#MAX_LEVELS} per column, refused beyond) and (b)
 * the moment cells, one per (split level, parent group, distinct group size) — with services/therapists/clients
 * that is therapists × distinct numbers of rows per client, independent of the number of rows and of clients. The
 * driver's memory and the optimiser's cost per likelihood evaluation are therefore bounded by the number of
 * parent groups; the benchmark (docs/BENCHMARKS.md) fits 20 million rows under a 1 GB driver heap.
 *
 * <p>Small data can skip Spark: {@link #fit(List, Formula, FitOptions)} builds the same moments from in-memory
 * rows, which is what simulation studies with thousands of replicates use.
 */
public final class MixedModel {

  private MixedModel() {}

  /** Fits {@code formula} to a Dataset. */
  public static LmmFit fit(Dataset<Row> data, Formula formula, FitOptions options) {
    long started = System.nanoTime();
    Moments moments = moments(data, formula, options);
    return Fitter.fit(moments, Moments.ALL, options, seconds(started));
  }

  /**
   * Fits one model per value of {@code splitColumn}, all from one aggregation (e.g. a subgroup analysis). Each
   * split gets its own design rank check: a factor level absent from a split drops its column there, with a
   * warning, as lme4 would on that subset. Rows whose split value is missing belong to no split. Results are keyed
   * by the split value as a string, in string order.
   */
  public static Map<String, LmmFit> fitBySplit(
      Dataset<Row> data, Formula formula, String splitColumn, FitOptions options) {
    long started = System.nanoTime();
    Moments moments = momentsBySplit(data, formula, splitColumn, options);
    return fitSplits(moments, options, seconds(started));
  }

  /**
   * The moments of a Dataset with one state per value of {@code splitColumn}, from one aggregation (rows whose
   * split value is missing belong to no split). Fit each with {@link #fit(Moments, String, FitOptions)} — e.g. to
   * keep going when one split cannot be fitted — or derive other designs' moments with {@link Moments#mapped}.
   */
  public static Moments momentsBySplit(Dataset<Row> data, Formula formula, String splitColumn, FitOptions options) {
    PlannedMoments planned = planBySplit(data, formula, splitColumn, options);
    return planned.fold(planned.aggregation().collectAsList());
  }

  /**
   * As {@link #momentsBySplit(Dataset, Formula, String, FitOptions)}, planned but not run: collect its aggregation
   * together with other small aggregations of the same data ({@link JointCollect}) so the data are read once, then
   * {@link PlannedMoments#fold fold} the rows. Planning runs a Spark job only when the formula has categorical
   * fixed effects (to find their levels).
   */
  public static PlannedMoments planBySplit(Dataset<Row> data, Formula formula, String splitColumn, FitOptions options) {
    return planBySplit(data, formula, splitColumn, options, List.of());
  }

  /**
   * As {@link #planBySplit(Dataset, Formula, String, FitOptions)}, also summing {@code parentSums} (numeric
   * expressions over the rows) per split and parent group of the formula's nesting, in the same aggregation: for
   * descriptions of the data that should not cost a pass of their own ({@link PlannedMoments#parentSums}).
   */
  public static PlannedMoments planBySplit(
      Dataset<Row> data, Formula formula, String splitColumn, FitOptions options, List<Column> parentSums) {
    requireSplitColumn(data.columns(), splitColumn);
    Dataset<Row> withSplit = data.filter(data.col(splitColumn).isNotNull());
    return SparkMoments.plan(withSplit, DesignResolver.forDataset(withSplit, formula, options), splitColumn,
        parentSums);
  }

  /**
   * As {@link #momentsBySplit(Dataset, Formula, String, FitOptions)} for data holding all observations of a group
   * in one row: each row is one value of {@code groupColumn} within its split, with {@code observations.size()}
   * observations; observation k reads each variable {@code observations.get(k)} names from the column it maps it
   * to, and every other variable from the row's own column (constant within the group). E.g. a course × measure
   * row with its first and last scores is a client with two observations,
   * {@code [{time: 0, score: first_score}, {time: 1, score: last_score}]}. The caller guarantees that no two rows of
   * a split have the same {@code groupColumn} value.
   *
   * <p>The moments equal those of the long format (one row per observation). When {@code groupColumn} is the
   * formula's lowest grouping level, each row is one whole lowest-level group and is reduced where it is, without
   * the shuffle and the per-group aggregation the long format needs; otherwise the rows are expanded to the long
   * format first.
   */
  public static Moments momentsBySplitOfGroups(Dataset<Row> groups, String groupColumn, Formula formula,
      String splitColumn, FitOptions options, List<Map<String, Column>> observations) {
    PlannedMoments planned =
        planBySplitOfGroups(groups, groupColumn, formula, splitColumn, options, observations, List.of());
    return planned.collect();
  }

  /**
   * As {@link #momentsBySplitOfGroups}, planned but not run, also summing {@code parentSums} per split and parent
   * group ({@link PlannedMoments#parentSums}): numeric expressions over the group rows, each counted once per group
   * whichever way the rows are reduced.
   */
  public static PlannedMoments planBySplitOfGroups(Dataset<Row> groups, String groupColumn, Formula formula,
      String splitColumn, FitOptions options, List<Map<String, Column>> observations, List<Column> parentSums) {
    if (observations.isEmpty()) {
      throw new IllegalArgumentException("A group needs at least one observation");
    }
    requireSplitColumn(groups.columns(), splitColumn);
    Dataset<Row> withSplit = groups.filter(groups.col(splitColumn).isNotNull());
    List<String> lowest = new Nesting(formula).lowestKey();
    boolean wholeGroups = !lowest.isEmpty() && lowest.get(lowest.size() - 1).equals(groupColumn);
    // The long view: one row per observation. Parent sums go on each group's first observation only.
    Dataset<Row> longFormat = null;
    List<Column> longSums = new ArrayList<>();
    for (int e = 0; e < parentSums.size(); e++) {
      longSums.add(col(PARENT_SUM + e));
    }
    for (int k = 0; k < observations.size(); k++) {
      Dataset<Row> one = withSplit;
      if (!wholeGroups) {
        for (int e = 0; e < parentSums.size(); e++) {
          one = one.withColumn(PARENT_SUM + e, k == 0 ? parentSums.get(e).cast("double") : lit(0.0));
        }
      }
      one = one.withColumns(observations.get(k));
      longFormat = longFormat == null ? one : longFormat.unionByName(one);
    }
    if (!wholeGroups) {
      return planBySplit(longFormat, formula, splitColumn, options, longSums);
    }
    // The design (variable types, factor levels from complete observations) is resolved on the long view, as for
    // long-format data; that view is only read by a Spark job when the formula has categorical fixed effects.
    return SparkMoments.plan(withSplit, DesignResolver.forDataset(longFormat, formula, options), splitColumn,
        parentSums, observations);
  }

  /** Prefix of the columns carrying the caller's parent sums when groups are expanded to long format. */
  private static final String PARENT_SUM = "_parent_sum_";

  /**
   * One fit per split of {@code moments}, fitted in parallel on the driver's cores; a split that cannot be fitted
   * (e.g. too few rows, or an optimiser failure on degenerate data) gets its reason instead and the others go on.
   * In split order.
   */
  public static Map<String, SplitFit> fitEachSplit(Moments moments, FitOptions options) {
    Map<String, SplitFit> out = new ConcurrentHashMap<>();
    new ArrayList<>(moments.splits()).parallelStream().forEach(split -> {
      try {
        out.put(split, new SplitFit(Fitter.fit(moments, split, options, 0), null));
      } catch (RuntimeException e) {
        out.put(split, new SplitFit(null, e instanceof TtoException ? e.getMessage()
            : "the optimiser failed (" + e + ")"));
      }
    });
    return new TreeMap<>(out);
  }

  /** A split's fit, or why there is none ({@link #fitEachSplit}). */
  public record SplitFit(LmmFit fit, String error) {}

  /** As {@link #momentsBySplit(Dataset, Formula, String, FitOptions)} for in-memory rows. */
  public static Moments momentsBySplit(List<Row> rows, Formula formula, String splitColumn, FitOptions options) {
    List<Row> withSplit = rows.stream().filter(r -> r.getAs(splitColumn) != null).toList();
    if (!withSplit.isEmpty()) {
      requireSplitColumn(withSplit.get(0).schema().fieldNames(), splitColumn);
    }
    return Moments.fromRows(DesignResolver.forRows(withSplit, formula, options), withSplit, splitColumn);
  }

  /** Fits one split of moments built with a split column ({@link Moments#ALL} for moments without one). */
  public static LmmFit fit(Moments moments, String split, FitOptions options) {
    return Fitter.fit(moments, split, options, 0);
  }

  /** Fits {@code formula} to in-memory rows (each a Row with a schema), without Spark. */
  public static LmmFit fit(List<Row> rows, Formula formula, FitOptions options) {
    long started = System.nanoTime();
    Moments moments = Moments.fromRows(DesignResolver.forRows(rows, formula, options), rows, null);
    return Fitter.fit(moments, Moments.ALL, options, seconds(started));
  }

  /** As {@link #fitBySplit(Dataset, Formula, String, FitOptions)} for in-memory rows. */
  public static Map<String, LmmFit> fitBySplit(
      List<Row> rows, Formula formula, String splitColumn, FitOptions options) {
    long started = System.nanoTime();
    return fitSplits(momentsBySplit(rows, formula, splitColumn, options), options, seconds(started));
  }

  /** Fits from moments built earlier (e.g. merged from several sources); {@code options} chooses REML or ML. */
  public static LmmFit fit(Moments moments, FitOptions options) {
    if (moments.splits().size() > 1) {
      throw new IllegalArgumentException("Moments hold splits " + moments.splits() + "; use fitBySplit(moments, …)");
    }
    return Fitter.fit(moments, moments.splits().isEmpty() ? Moments.ALL : moments.splits().iterator().next(),
        options, 0);
  }

  /** One fit per split level of moments built with a split column. */
  public static Map<String, LmmFit> fitBySplit(Moments moments, FitOptions options) {
    return fitSplits(moments, options, 0);
  }

  /** The moments of a Dataset: the mergeable state a fit is computed from. */
  public static Moments moments(Dataset<Row> data, Formula formula, FitOptions options) {
    return SparkMoments.aggregate(data, DesignResolver.forDataset(data, formula, options), null);
  }

  /** The moments of in-memory rows. */
  public static Moments moments(List<Row> rows, Formula formula, FitOptions options) {
    return Moments.fromRows(DesignResolver.forRows(rows, formula, options), rows, null);
  }

  private static Map<String, LmmFit> fitSplits(Moments moments, FitOptions options, double aggregateSeconds) {
    Map<String, LmmFit> out = new LinkedHashMap<>();
    for (String split : moments.splits()) {
      try {
        out.put(split, Fitter.fit(moments, split, options, aggregateSeconds));
      } catch (TtoException e) {
        throw TtoException.of("Split " + split + " cannot be fitted", e.getMessage(),
            "exclude that split or simplify the model for it", e);
      }
    }
    return out;
  }

  private static void requireSplitColumn(String[] columns, String splitColumn) {
    if (!List.of(columns).contains(splitColumn)) {
      throw TtoException.of(
          "The split column '" + splitColumn + "' is not in the data",
          "the data's columns are " + String.join(", ", columns),
          "choose an existing column");
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
