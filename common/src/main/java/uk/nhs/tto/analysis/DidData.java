package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns the gold tables into the evaluation model's data (SPEC §5) and describes each cohort, as Spark
 * transformations (nothing here collects rows).
 *
 * <p>{@link #paired} keeps finished pre and post courses of the configured intensity, joined to their score
 * pairs: one row per course × measure with the columns {@code measure}, {@code domain}, {@code client},
 * {@code service}, {@code therapist}, {@code cohort} (0 pre, 1 post), {@code first_score}, {@code last_score}
 * and the covariates (as strings, a missing value coded {@value AnalysisConfig#UNKNOWN}). {@link #longFormat}
 * makes two rows of it per course (time 0 = first score, 1 = last score), the shape the model is fitted on.
 */
public final class DidData {

  /** The split column: one model per measure, all fitted from one pass. */
  public static final String SPLIT = "measure";

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
    Dataset<Row> selected = courses.where(keep).select(courseColumns.toArray(new Column[0]));
    Dataset<Row> pairs =
        scorePairs
            .where(col("first_score").isNotNull().and(col("last_score").isNotNull()))
            .select(
                col("PathwayID").as("client"),
                col("measure"),
                col("domain"),
                col("first_score").cast(DataTypes.DoubleType).as("first_score"),
                col("last_score").cast(DataTypes.DoubleType).as("last_score"));
    return pairs.join(selected, "client");
  }

  /** Two rows per course and measure: {@code time} 0 with the first score, 1 with the last, as {@code score}. */
  public static Dataset<Row> longFormat(Dataset<Row> paired, AnalysisConfig config) {
    List<Column> out = new ArrayList<>();
    out.add(col(SPLIT));
    out.add(col("_time").as("time"));
    out.add(when(col("_time").equalTo(0), col("first_score")).otherwise(col("last_score")).as("score"));
    out.add(col("cohort"));
    for (String c : config.covariates()) {
      out.add(col(c));
    }
    for (String level : config.randomLevels()) {
      out.add(col(level));
    }
    return paired.withColumn("_time", explode(array(lit(0), lit(1)))).select(out.toArray(new Column[0]));
  }

  /**
   * Measure to its domain and the description of each cohort, from one aggregation: sums per (measure, cohort,
   * service, therapist) — a table the size of the therapist list, like the engine's moments — folded on the driver
   * into counts, distinct services and therapists, means and the SD of the change. Scores are whole numbers, so the
   * sums (and sums of squares) are exact in doubles and the SD loses nothing to cancellation.
   */
  public static Map<String, Described> describe(Dataset<Row> paired) {
    Column change = col("last_score").minus(col("first_score"));
    List<Row> cells =
        paired
            .groupBy(col(SPLIT), col("domain"), col("cohort"), col("service"), col("therapist"))
            .agg(
                count(lit(1)).as("n"),
                sum(col("first_score")).as("first"),
                sum(col("last_score")).as("last"),
                sum(change.multiply(change)).as("change2"))
            .collectAsList();
    Map<String, Map<Integer, Fold>> folds = new TreeMap<>();
    Map<String, String> domains = new LinkedHashMap<>();
    for (Row r : cells) {
      domains.put(r.getString(0), r.getString(1));
      folds.computeIfAbsent(r.getString(0), m -> new TreeMap<>())
          .computeIfAbsent(r.getInt(2), c -> new Fold())
          .add(r.getString(3), r.getString(4), r.getLong(5), r.getDouble(6), r.getDouble(7), r.getDouble(8));
    }
    Map<String, Described> out = new LinkedHashMap<>();
    folds.forEach(
        (measure, byCohort) ->
            out.put(
                measure,
                new Described(
                    domains.get(measure),
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

  /** One measure's domain and its cohorts' descriptions (a cohort without courses is {@link CohortDescription#EMPTY}). */
  public record Described(String domain, CohortDescription pre, CohortDescription post) {}
}
