package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** Measure to its domain and the description of each cohort (keys {@code pre}, {@code post}): one aggregation. */
  public static Map<String, Described> describe(Dataset<Row> paired) {
    Column change = col("last_score").minus(col("first_score"));
    List<Row> rows =
        paired
            .groupBy(col(SPLIT), col("domain"), col("cohort"))
            .agg(
                count(lit(1)).as("clients"),
                countDistinct(col("service")).as("services"),
                countDistinct(col("service"), col("therapist")).as("therapists"),
                avg(col("first_score")).as("mean_first"),
                avg(col("last_score")).as("mean_last"),
                avg(change).as("mean_change"),
                stddev_samp(change).as("sd_change"))
            .orderBy(SPLIT, "cohort")
            .collectAsList();
    Map<String, Described> out = new LinkedHashMap<>();
    for (Row r : rows) {
      String measure = r.getString(0);
      Described d = out.computeIfAbsent(measure, m -> new Described(r.getString(1)));
      CohortDescription c =
          new CohortDescription(
              r.getLong(3),
              r.getLong(4),
              r.getLong(5),
              r.getDouble(6),
              r.getDouble(7),
              r.getDouble(8),
              r.isNullAt(9) || Double.isNaN(r.getDouble(9)) ? null : r.getDouble(9));
      if (r.getInt(2) == 1) {
        d.post = c;
      } else {
        d.pre = c;
      }
    }
    return out;
  }

  /** One measure's domain and cohort descriptions (a cohort with no courses is {@link CohortDescription#EMPTY}). */
  public static final class Described {
    private final String domain;
    private CohortDescription pre = CohortDescription.EMPTY;
    private CohortDescription post = CohortDescription.EMPTY;

    Described(String domain) {
      this.domain = domain;
    }

    public String domain() {
      return domain;
    }

    public CohortDescription pre() {
      return pre;
    }

    public CohortDescription post() {
      return post;
    }
  }
}
