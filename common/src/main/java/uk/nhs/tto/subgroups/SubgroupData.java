package uk.nhs.tto.subgroups;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.tto.analysis.AnalysisConfig;
import uk.nhs.tto.analysis.DidData;

/**
 * Shapes the gold tables into the subgroup models' data, as Spark transformations (only the small per-level
 * descriptions are collected).
 *
 * <p>{@link #prepare} gives one row per course × measure of the comparison — finished pre and post courses
 * with a pair — carrying SPEC §5's model columns (as {@code analysis.DidData} names them: {@code client},
 * {@code service}, {@code therapist}, {@code cohort} 0/1, {@code first_score}, {@code last_score}, covariates)
 * and one column {@code lv_<dimension>} per dimension holding the course's level, or null when the course is
 * in no level of it. Courses of every intensity are kept because the intensity dimension compares them; every
 * other dimension (and the national model, dimension {@code all}) sees only the configured intensity.
 *
 * <p>{@link #levels} then stacks all dimensions into one data set whose {@link #SPLIT} column names the model
 * ({@link SplitKey}), a course per row with its two scores as two observations, so that one aggregation builds
 * every subgroup model's moments.
 */
public final class SubgroupData {

  /** The split column of the stacked data. */
  public static final String SPLIT = "split";

  /** The course's cohort group for the change-score model's {@code (1 | service/cohort_group)}. */
  static final String COHORT_GROUP = "cohort_group";

  private SubgroupData() {}

  /** One row per course × measure in the comparison, with its level in each dimension (see the class comment). */
  public static Dataset<Row> prepare(
      Dataset<Row> courses, Dataset<Row> scorePairs, AnalysisConfig config, SubgroupConfig sub) {
    Column keep = col("finished").equalTo(true).and(col("cohort").isin("pre", "post"))
        .and(col("service_id").isNotNull());
    if (config.randomLevels().contains("therapist")) {
      keep = keep.and(col("therapist").isNotNull());
    }
    Column inAnalysis = config.intensity().equals("ANY") ? lit(true) : col("intensity").equalTo(config.intensity());
    List<Column> cols = new ArrayList<>();
    cols.add(col("PathwayID").as("client"));
    cols.add(col("service_id").cast(DataTypes.StringType).as("service"));
    cols.add(col("therapist"));
    cols.add(when(col("cohort").equalTo("post"), 1).otherwise(0).as("cohort"));
    cols.add(coalesce(inAnalysis, lit(false)).as("_in_analysis"));
    for (String c : config.covariates()) {
      cols.add(coalesce(col(c).cast(DataTypes.StringType), lit(AnalysisConfig.UNKNOWN)).as(c));
    }
    cols.add(col("intensity"));
    cols.add(col("personality_difficulty"));
    cols.add(col("age_band"));
    cols.add(col("gender_label"));
    cols.add(col("ethnic_group"));
    cols.add(col("imd_quintile"));
    Dataset<Row> selected = courses.where(keep).select(cols.toArray(new Column[0]));
    if (sub.personalityMeasure() != null) {
      Dataset<Row> screen = scorePairs.where(col("measure").equalTo(sub.personalityMeasure()))
          .select(col("PathwayID").as("client"), col("first_score").cast(DataTypes.DoubleType).as("_screen"));
      selected = selected.join(screen, selected.col("client").equalTo(screen.col("client")), "left")
          .drop(screen.col("client"));
    }
    Dataset<Row> pairs = DidData.completePairs(scorePairs);
    // Broadcast, as the cohort analysis does: the comparison's courses are a fraction of gold.courses, so the score
    // pairs are joined as they stream past instead of both tables being shuffled.
    Dataset<Row> joined = pairs.join(broadcast(selected), "client");
    List<Column> out = new ArrayList<>();
    for (String c : List.of("measure", "domain", "client", "service", "therapist", "cohort", "first_score",
        "last_score")) {
      out.add(col(c));
    }
    config.covariates().forEach(c -> out.add(col(c)));
    for (Dimension d : withAllAndService(sub.dimensions())) {
      Column level = level(d, sub);
      out.add((d == Dimension.INTENSITY ? level : when(col("_in_analysis"), level)).as(levelColumn(d)));
    }
    return joined.select(out.toArray(new Column[0]));
  }

  /** The column of {@link #prepare}'s output holding a course's level in {@code d}. */
  public static String levelColumn(Dimension d) {
    return "lv_" + d.id();
  }

  private static Column level(Dimension d, SubgroupConfig sub) {
    switch (d) {
      case PERSONALITY:
        if (sub.personalityMeasure() != null) {
          return when(col("_screen").geq(sub.personalityCutoff()), "yes").when(col("_screen").isNotNull(), "no");
        }
        return when(col("personality_difficulty").equalTo(true), "yes")
            .when(col("personality_difficulty").equalTo(false), "no");
      case AGE_BAND:
        return col("age_band");
      case GENDER:
        return col("gender_label");
      case ETHNICITY:
        return col("ethnic_group");
      case DEPRIVATION:
        return col("imd_quintile").cast(DataTypes.StringType);
      case INTENSITY:
        return when(col("intensity").isin("HIGH", "LOW"), col("intensity"));
      case SEVERITY:
        return severity(sub.severityBands());
      case SERVICE:
        return col("service");
      case ALL:
        return lit("all");
      default:
        throw new IllegalStateException(d.toString());
    }
  }

  /** The band of the course's first score of the measure being modelled, or null. */
  private static Column severity(Map<String, List<SeverityBand>> bands) {
    Column band = null;
    for (Map.Entry<String, List<SeverityBand>> e : bands.entrySet()) {
      for (SeverityBand b : e.getValue()) {
        Column match = col("measure").equalTo(e.getKey())
            .and(col("first_score").between(b.low(), b.high()));
        band = band == null ? when(match, b.label()) : band.when(match, b.label());
      }
    }
    return band == null ? lit(null).cast(DataTypes.StringType) : band;
  }

  /**
   * A course's two observations in the stacked rows of {@link #levels} and {@link #services}, as in the cohort
   * analysis: its first score at {@code time} 0 and its last at {@code time} 1.
   */
  public static final List<Map<String, Column>> OBSERVATIONS = DidData.OBSERVATIONS;

  /**
   * Every level of every dimension in {@code dims} (service excluded: its models have no service level) and each
   * measure's national model, stacked: one row per course × measure per level it belongs to, with the
   * {@link #SPLIT} column naming the model. Each row is one client of its split with the two observations of
   * {@link #OBSERVATIONS}: a course has one pair per measure, so no client appears twice in a split.
   */
  public static Dataset<Row> levels(Dataset<Row> prepared, List<Dimension> dims, AnalysisConfig config) {
    List<Dimension> stacked = new ArrayList<>();
    for (Dimension d : withAll(dims)) {
      if (d != Dimension.SERVICE) {
        stacked.add(d);
      }
    }
    return modelColumns(stacked(prepared, stacked), config);
  }

  /** Each service's own model data, as {@link #levels} (split {@code measure|service|<service>}). */
  public static Dataset<Row> services(Dataset<Row> prepared, AnalysisConfig config) {
    return modelColumns(stacked(prepared, List.of(Dimension.SERVICE)), config);
  }

  /**
   * One row per course × measure of the national comparison with its change score ({@code change} = last − first),
   * {@code service}, {@code cohort} (0/1) and {@link #COHORT_GROUP} ({@code pre}/{@code post}): the data of the
   * service-variation model.
   */
  public static Dataset<Row> changes(Dataset<Row> prepared) {
    return prepared.where(col(levelColumn(Dimension.ALL)).isNotNull())
        .select(
            col("measure"),
            col("service"),
            col("cohort"),
            when(col("cohort").equalTo(1), "post").otherwise("pre").as(COHORT_GROUP),
            col("last_score").minus(col("first_score")).as("change"));
  }

  /** Per split value, the level's cohorts; and each measure's domain. */
  public record Described(Map<String, LevelCohorts> levels, Map<String, String> domains) {}

  /**
   * Clients and mean first, last and change scores (with the SD of change) per model and cohort, for every
   * level of {@code dims}, each national model and, with {@code services}, every service, keyed by split value.
   *
   * <p>Aggregations over the courses that do not stack them by dimension: one by measure, cohort and every
   * dimension's level at once (a few thousand combinations, since service is left out), whose sums the driver
   * then adds up per level; with {@code services}, one by measure, cohort and service (else the services' own
   * models carry their description: {@link #serviceDescriptions}). Both collect small results.
   */
  public static Described describe(Dataset<Row> prepared, List<Dimension> dims, boolean services) {
    List<Dimension> stacked = new ArrayList<>(withAll(dims));
    stacked.remove(Dimension.SERVICE);
    Map<String, double[][]> sums = new TreeMap<>();
    Map<String, String> domains = new TreeMap<>();
    List<List<Dimension>> passes = services ? List.of(stacked, List.of(Dimension.SERVICE)) : List.of(stacked);
    for (List<Dimension> pass : passes) {
      List<Column> by = new ArrayList<>(List.of(col("measure"), col("domain"), col("cohort")));
      pass.forEach(d -> by.add(col(levelColumn(d))));
      for (Row r : sums(prepared.groupBy(by.toArray(new Column[0]))).collectAsList()) {
        String measure = r.getString(0);
        domains.put(measure, r.getString(1));
        int cohort = r.getInt(2);
        for (int i = 0; i < pass.size(); i++) {
          if (!r.isNullAt(3 + i)) {
            double[] acc = sums.computeIfAbsent(new SplitKey(measure, pass.get(i), r.getString(3 + i)).encode(),
                x -> new double[2][SUMS])[cohort];
            for (int j = 0; j < SUMS; j++) {
              acc[j] += ((Number) r.get(3 + pass.size() + j)).doubleValue();
            }
          }
        }
      }
    }
    Map<String, LevelCohorts> levels = new TreeMap<>();
    sums.forEach((split, s) -> levels.put(split, new LevelCohorts(summary(s[0]), summary(s[1]))));
    return new Described(levels, domains);
  }

  /** Sums kept per group: courses, Σ first, Σ last, Σ change, Σ change². */
  private static final int SUMS = 5;

  /**
   * Each service's description from {@link DidData#describeSums} (per cohort: courses, Σ first, Σ last, Σ change²)
   * over its own model's rows, as the parent sums of its model's groups (keyed by split value, then the group's
   * path); keyed by split value as {@link #describe} keys it.
   */
  public static Map<String, LevelCohorts> serviceDescriptions(Map<List<String>, double[]> parentSums) {
    Map<String, double[][]> sums = new TreeMap<>();
    parentSums.forEach((key, s) -> {
      double[][] acc = sums.computeIfAbsent(key.get(0), x -> new double[2][SUMS]);
      for (int c = 0; c <= 1; c++) {
        double first = s[4 * c + 1];
        double last = s[4 * c + 2];
        double[] add = {s[4 * c], first, last, last - first, s[4 * c + 3]};
        for (int j = 0; j < SUMS; j++) {
          acc[c][j] += add[j];
        }
      }
    });
    Map<String, LevelCohorts> out = new TreeMap<>();
    sums.forEach((split, s) -> out.put(split, new LevelCohorts(summary(s[0]), summary(s[1]))));
    return out;
  }

  private static Dataset<Row> sums(org.apache.spark.sql.RelationalGroupedDataset grouped) {
    Column change = col("last_score").minus(col("first_score"));
    return grouped.agg(count(lit(1)), sum(col("first_score")), sum(col("last_score")), sum(change),
        sum(change.multiply(change)));
  }

  private static CohortSummary summary(double[] s) {
    long n = (long) s[0];
    if (n == 0) {
      return CohortSummary.EMPTY;
    }
    double meanChange = s[3] / n;
    Double sd = n < 2 ? null : Math.sqrt(Math.max(0, (s[4] - n * meanChange * meanChange) / (n - 1)));
    return new CohortSummary(n, s[1] / n, s[2] / n, meanChange, sd);
  }

  /** One row per course × measure × level it belongs to among {@code dims}, with the {@link #SPLIT} column. */
  private static Dataset<Row> stacked(Dataset<Row> prepared, List<Dimension> dims) {
    List<Column> entries = new ArrayList<>();
    for (Dimension d : dims) {
      entries.add(struct(lit(d.id()).as("d"), col(levelColumn(d)).as("l")));
    }
    return prepared
        .withColumn("_e", explode(array(entries.toArray(new Column[0]))))
        .where(col("_e.l").isNotNull())
        .withColumn(SPLIT, SplitKey.column(col("measure"), col("_e.d"), col("_e.l")))
        .drop("_e");
  }

  private static Dataset<Row> modelColumns(Dataset<Row> stacked, AnalysisConfig config) {
    List<Column> out = new ArrayList<>();
    out.add(col(SPLIT));
    out.add(col("first_score"));
    out.add(col("last_score"));
    out.add(col("cohort"));
    config.covariates().forEach(c -> out.add(col(c)));
    config.randomLevels().forEach(l -> out.add(col(l)));
    return stacked.select(out.toArray(new Column[0]));
  }

  /** Service variation needs every service's description whether or not service is a subgroup dimension. */
  private static List<Dimension> withAllAndService(List<Dimension> dims) {
    List<Dimension> out = withAll(dims);
    if (!out.contains(Dimension.SERVICE)) {
      out.add(Dimension.SERVICE);
    }
    return out;
  }

  private static List<Dimension> withAll(List<Dimension> dims) {
    List<Dimension> out = new ArrayList<>(dims);
    out.remove(Dimension.ALL);
    out.add(0, Dimension.ALL);
    return out;
  }
}
