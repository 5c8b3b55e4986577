package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns the gold tables into the evaluation model's data (SPEC §5) and describes each cohort, as Spark
 * transformations (nothing here collects rows).
 *
 * <p>{@link #paired} keeps finished pre and post courses of the configured intensity, joined to their score
 * pairs: one row per course × measure with the columns {@code measure}, {@code domain}, {@code client},
 * {@code service}, {@code therapist}, {@code cohort} (0 pre, 1 post), {@code first_score}, {@code last_score}
 * and the covariates (as strings, a missing value coded {@value AnalysisConfig#UNKNOWN}). {@link #pairRows} keys
 * each by its model; the engine reads a row as one client with two observations (time 0 = first score, 1 = last
 * score).
 */
public final class DidData {

  /**
   * The split column of {@link #pairRows}: one model per measure, all fitted from one pass. Its value names the
   * measure and its domain ({@link #modelKey}), so the domain needs no column (and no read) of its own.
   */
  public static final String SPLIT = "model";

  /** Separates measure and domain in a {@link #SPLIT} value. */
  private static final String KEY_SEPARATOR = "|";

  /** The levels whose every group's sums the engine returns when they make up its parent groups. */
  static final List<String> DESCRIBED_PATH = List.of("service", "therapist");

  private DidData() {}

  /** Courses in the comparison joined to their score pairs; see the class comment for the columns. */
  public static Dataset<Row> paired(Dataset<Row> courses, Dataset<Row> scorePairs, AnalysisConfig config) {
    Column keep =
        col("finished").equalTo(true).and(col("cohort").isin("pre", "post"))
            .and(col("service_id").isNotNull())
            .and(col("therapist").isNotNull());
    if (!config.intensity().equals("ANY")) {
      keep = keep.and(col("intensity").equalTo(config.intensity()));
    }
    List<Column> courseColumns = new ArrayList<>();
    courseColumns.add(col("PathwayID").as("client"));
    courseColumns.add(col("service_id").as("service"));
    courseColumns.add(col("therapist"));
    courseColumns.add(when(col("cohort").equalTo("post"), 1).otherwise(0).as("cohort"));
    for (String c : config.covariates()) {
      courseColumns.add(coalesce(col(c).cast(DataTypes.StringType), lit(AnalysisConfig.UNKNOWN)).as(c));
    }
    // Broadcast: the comparison's courses are a few columns of a fraction of gold.courses, so joining them to the
    // score pairs as those stream past needs no shuffle of either table (a sort-merge join would shuffle every
    // score pair, and Spark cannot know the filter leaves few courses).
    Dataset<Row> selected = broadcast(courses.where(keep).select(courseColumns.toArray(new Column[0])));
    return completePairs(scorePairs).join(selected, "client");
  }

  /** The score pairs with both a first and a last score, keyed by {@code client}, scores as doubles. */
  public static Dataset<Row> completePairs(Dataset<Row> scorePairs) {
    return scorePairs
        .where(col("first_score").isNotNull().and(col("last_score").isNotNull()))
        .select(
            col("PathwayID").as("client"),
            col("measure"),
            col("domain"),
            col("first_score").cast(DataTypes.DoubleType).as("first_score"),
            col("last_score").cast(DataTypes.DoubleType).as("last_score"));
  }

  /**
   * A course's two observations in {@link #pairRows}: its first score at {@code time} 0 and its last at
   * {@code time} 1 (for {@link uk.nhs.tto.stats.MixedModel#planBySplitOfGroups}).
   */
  public static final List<Map<String, Column>> OBSERVATIONS = List.of(
      Map.of("time", lit(0), "score", col("first_score")),
      Map.of("time", lit(1), "score", col("last_score")));

  /**
   * One row per course and measure with the model key as {@link #SPLIT}: the model's client (its lowest level)
   * with its two {@link #OBSERVATIONS}. A course has one pair per measure, so no client appears twice in a model.
   */
  public static Dataset<Row> pairRows(Dataset<Row> paired) {
    return paired.withColumn(SPLIT, modelKey(col("measure"), col("domain")));
  }

  /** A {@link #SPLIT} value: measure and domain. */
  static Column modelKey(Column measure, Column domain) {
    return concat(measure, lit(KEY_SEPARATOR), domain);
  }

  /** The measure of a {@link #SPLIT} value. */
  static String measure(String modelKey) {
    return modelKey.substring(0, modelKey.indexOf(KEY_SEPARATOR));
  }

  /** The domain of a {@link #SPLIT} value. */
  static String domain(String modelKey) {
    return modelKey.substring(modelKey.indexOf(KEY_SEPARATOR) + 1);
  }

  /**
   * The sums that describe each cohort, as expressions over {@link #pairRows} for the engine to add up per model,
   * service and therapist (its parent groups under the default nesting) in the same aggregation as the moments:
   * per cohort c (pre, then post) the courses, Σ first, Σ last and Σ change². Scores are whole numbers, so the
   * sums (and sums of squares) are exact in doubles and the SD loses nothing to cancellation. The subgroup
   * analyses' services describe themselves by the same sums over their own models' rows.
   */
  public static List<Column> describeSums() {
    Column change = col("last_score").minus(col("first_score"));
    List<Column> out = new ArrayList<>();
    for (int c = 0; c <= 1; c++) {
      Column in = col("cohort").equalTo(c);
      out.add(when(in, lit(1.0)).otherwise(lit(0.0)));
      out.add(when(in, col("first_score")).otherwise(lit(0.0)));
      out.add(when(in, col("last_score")).otherwise(lit(0.0)));
      out.add(when(in, change.multiply(change)).otherwise(lit(0.0)));
    }
    return out;
  }

  /**
   * Each model's description from {@link #describeSums} added up per (model, service, therapist), as
   * {@link uk.nhs.tto.stats.PlannedMoments#parentSums} returns them. Keyed by measure.
   */
  static Map<String, Described> describe(Map<List<String>, double[]> parentSums) {
    List<Row> cells = new ArrayList<>();
    parentSums.forEach((key, s) -> {
      for (int c = 0; c <= 1; c++) {
        if (s[4 * c] > 0) {
          cells.add(RowFactory.create(key.get(0), c, key.get(1), key.get(2), (long) s[4 * c], s[4 * c + 1],
              s[4 * c + 2], s[4 * c + 3]));
        }
      }
    });
    return describe(cells);
  }

  /**
   * The same sums from the paired rows by an aggregation of their own, per (model, cohort, service, therapist):
   * for nestings whose parent groups are not service × therapist (then the data are read a second time).
   */
  static Dataset<Row> describeCells(Dataset<Row> paired) {
    Column change = col("last_score").minus(col("first_score"));
    return paired
        .groupBy(modelKey(col("measure"), col("domain")).as(SPLIT), col("cohort"), col("service"), col("therapist"))
        .agg(
            count(lit(1)).as("n"),
            sum(col("first_score")).as("first"),
            sum(col("last_score")).as("last"),
            sum(change.multiply(change)).as("change2"));
  }

  /**
   * Measure to its domain and the description of each cohort (counts, distinct services and therapists, means and
   * the SD of the change), folded from rows (model key, cohort, service, therapist, n, Σ first, Σ last, Σ change²)
   * as {@link #describeCells} collects them.
   */
  static Map<String, Described> describe(List<Row> cells) {
    Map<String, Map<Integer, Fold>> folds = new TreeMap<>();
    for (Row r : cells) {
      folds.computeIfAbsent(r.getString(0), m -> new TreeMap<>())
          .computeIfAbsent(r.getInt(1), c -> new Fold())
          .add(r.getString(2), r.getString(3), r.getLong(4), r.getDouble(5), r.getDouble(6), r.getDouble(7));
    }
    Map<String, Described> out = new TreeMap<>();
    folds.forEach(
        (key, byCohort) ->
            out.put(
                measure(key),
                new Described(
                    domain(key),
                    byCohort.getOrDefault(0, new Fold()).description(),
                    byCohort.getOrDefault(1, new Fold()).description())));
    return out;
  }

  /** Sums of one cohort of one measure, over its (service, therapist) cells. */
  private static final class Fold {
    private final Set<String> services = new HashSet<>();
    private final Set<List<String>> therapists = new HashSet<>();
    private long n;
    private double first;
    private double last;
    private double change2;

    void add(String service, String therapist, long cellN, double cellFirst, double cellLast, double cellChange2) {
      services.add(service);
      therapists.add(List.of(service, therapist));
      n += cellN;
      first += cellFirst;
      last += cellLast;
      change2 += cellChange2;
    }

    CohortDescription description() {
      if (n == 0) {
        return CohortDescription.EMPTY;
      }
      double meanChange = (last - first) / n;
      Double sd = n < 2 ? null : Math.sqrt(Math.max(0, (change2 - n * meanChange * meanChange) / (n - 1)));
      return new CohortDescription(n, services.size(), therapists.size(), first / n, last / n, meanChange, sd);
    }
  }

  /**
   * One measure's domain and its cohorts' descriptions (a cohort without courses is
   * {@link CohortDescription#EMPTY}).
   */
  public record Described(String domain, CohortDescription pre, CohortDescription post) {}
}
