package uk.nhs.tto.subgroups;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_samp;
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
 * <p>{@link #levelsLong} then stacks all dimensions into one long data set whose {@link #SPLIT} column names the
 * model ({@link SplitKey}), so that one aggregation builds every subgroup model's moments.
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
    Dataset<Row> pairs = scorePairs
        .where(col("first_score").isNotNull().and(col("last_score").isNotNull()))
        .select(
            col("PathwayID").as("client"),
            col("measure"),
            col("domain"),
            col("first_score").cast(DataTypes.DoubleType).as("first_score"),
            col("last_score").cast(DataTypes.DoubleType).as("last_score"));
    Dataset<Row> joined = pairs.join(selected, "client");
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
   * Every level of every dimension in {@code dims} (service excluded: its models have no service level) and each
   * measure's national model, stacked in long format: two rows per course (time 0 first score, 1 last score)
   * per level it belongs to, with the {@link #SPLIT} column naming the model.
   */
  public static Dataset<Row> levelsLong(Dataset<Row> prepared, List<Dimension> dims, AnalysisConfig config) {
    List<Dimension> stacked = new ArrayList<>();
    for (Dimension d : withAll(dims)) {
      if (d != Dimension.SERVICE) {
        stacked.add(d);
      }
    }
    return longFormat(stacked(prepared, stacked), config);
  }

  /** Each service's own model data in long format (split {@code measure|service|<service>}). */
  public static Dataset<Row> servicesLong(Dataset<Row> prepared, AnalysisConfig config) {
    return longFormat(stacked(prepared, List.of(Dimension.SERVICE)), config);
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
   * level of {@code dims}, every service and each national model: one aggregation, keyed by split value.
   */
  public static Described describe(Dataset<Row> prepared, List<Dimension> dims) {
    List<Dimension> all = withAllAndService(dims);
    Column change = col("last_score").minus(col("first_score"));
    List<Row> rows = stacked(prepared, all)
        .groupBy(col(SPLIT), col("cohort"), col("domain"))
        .agg(count(lit(1)), avg(col("first_score")), avg(col("last_score")), avg(change), stddev_samp(change))
        .collectAsList();
    Map<String, LevelCohorts> levels = new TreeMap<>();
    Map<String, String> domains = new TreeMap<>();
    for (Row r : rows) {
      CohortSummary c = new CohortSummary(r.getLong(3), r.getDouble(4), r.getDouble(5), r.getDouble(6),
          r.isNullAt(7) || Double.isNaN(r.getDouble(7)) ? null : r.getDouble(7));
      LevelCohorts prev = levels.getOrDefault(r.getString(0), LevelCohorts.EMPTY);
      levels.put(r.getString(0), r.getInt(1) == 1 ? new LevelCohorts(prev.pre(), c) : new LevelCohorts(c, prev.post()));
      SplitKey k = SplitKey.parse(r.getString(0));
      if (k.dimension() == Dimension.ALL) {
        domains.put(k.measure(), r.getString(2));
      }
    }
    return new Described(levels, domains);
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

  private static Dataset<Row> longFormat(Dataset<Row> stacked, AnalysisConfig config) {
    List<Column> out = new ArrayList<>();
    out.add(col(SPLIT));
    out.add(col("_time").as("time"));
    out.add(when(col("_time").equalTo(0), col("first_score")).otherwise(col("last_score")).as("score"));
    out.add(col("cohort"));
    config.covariates().forEach(c -> out.add(col(c)));
    config.randomLevels().forEach(l -> out.add(col(l)));
    return stacked.withColumn("_time", explode(array(lit(0), lit(1)))).select(out.toArray(new Column[0]));
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
