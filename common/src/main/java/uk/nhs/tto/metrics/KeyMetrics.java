package uk.nhs.tto.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * gold.key_metrics (SPEC §4): counts of finished courses and of each outcome flag, with the national rates,
 * at national, service, service × discharge month, national × discharge month and cohort level. Raw counts:
 * disclosure control is applied when figures leave the lakehouse.
 */
public final class KeyMetrics {

  /** Level names, as stored in the {@code level} column. */
  public static final String NATIONAL = "national";

  public static final String SERVICE = "service";
  public static final String SERVICE_MONTH = "service_month";
  public static final String NATIONAL_MONTH = "national_month";
  public static final String COHORT = "cohort";

  /** The count columns, in table order; each but the first counts courses with that flag true. */
  public static final List<String> COUNTS =
      List.of("finished", "at_caseness", "recovered", "reliably_improved", "reliably_deteriorated",
          "reliably_recovered");

  /** The grouping columns of gold.key_metrics and their types; a level leaves the others null. */
  private static final Map<String, DataType> KEYS =
      Map.of("service_id", DataTypes.StringType, "month_id", DataTypes.IntegerType, "cohort", DataTypes.StringType);

  private record Level(String name, List<String> keys) {}

  private static final List<Level> LEVELS =
      List.of(
          new Level(NATIONAL, List.of()),
          new Level(SERVICE, List.of("service_id")),
          new Level(SERVICE_MONTH, List.of("service_id", "month_id")),
          new Level(NATIONAL_MONTH, List.of("month_id")),
          new Level(COHORT, List.of("cohort")));

  private KeyMetrics() {}

  /**
   * Aggregates gold.courses (it needs {@code finished}, {@code service_id}, {@code discharge_month_id},
   * {@code cohort} and the {@link OutcomeFlags} columns) into gold.key_metrics rows. The national row is
   * always present, with zero counts when nothing is finished; the cohort level has one row per cohort seen.
   */
  public static Dataset<Row> compute(Dataset<Row> courses) {
    Dataset<Row> finished =
        courses
            .filter(col("finished").equalTo(true))
            .select(
                col("service_id"), col("discharge_month_id").as("month_id"), col("cohort"),
                oneIfTrue("caseness", "at_caseness"), oneIfTrue("recovered", "recovered"),
                oneIfTrue("reliably_improved", "reliably_improved"),
                oneIfTrue("reliably_deteriorated", "reliably_deteriorated"),
                oneIfTrue("reliably_recovered", "reliably_recovered"));

    Dataset<Row> all = null;
    for (Level level : LEVELS) {
      Dataset<Row> rows = aggregate(level, finished);
      all = all == null ? rows : all.unionByName(rows);
    }
    return all.select(
        col("level"), col("service_id"), col("month_id"), col("cohort"),
        col("finished"), col("at_caseness"), col("recovered"), col("reliably_improved"),
        col("reliably_deteriorated"), col("reliably_recovered"),
        rate("recovered", "at_caseness").as("recovery_rate"),
        rate("reliably_improved", "finished").as("reliable_improvement_rate"),
        rate("reliably_deteriorated", "finished").as("reliable_deterioration_rate"),
        rate("reliably_recovered", "at_caseness").as("reliable_recovery_rate"));
  }

  private static Dataset<Row> aggregate(Level level, Dataset<Row> finished) {
    Dataset<Row> input = finished;
    for (String key : level.keys()) {
      // A course without a value for the level's key (e.g. no cohort) belongs to no row of that level.
      input = input.filter(col(key).isNotNull());
    }
    Column[] sums =
        COUNTS.subList(1, COUNTS.size()).stream()
            .map(c -> coalesce(sum(col(c)), lit(0L)).as(c))
            .toArray(Column[]::new);
    Dataset<Row> out =
        input.groupBy(level.keys().stream().map(k -> col(k)).toArray(Column[]::new))
            .agg(count(lit(1)).as(COUNTS.get(0)), sums)
            .withColumn("level", lit(level.name()));
    for (Map.Entry<String, DataType> key : KEYS.entrySet()) {
      if (!level.keys().contains(key.getKey())) {
        out = out.withColumn(key.getKey(), lit(null).cast(key.getValue()));
      }
    }
    return out;
  }

  /** A flag as 1 when it is true, else 0: null flags count as neither (SPEC §4). */
  private static Column oneIfTrue(String flag, String as) {
    return when(col(flag).equalTo(true), 1L).otherwise(0L).as(as);
  }

  /** A fraction 0–1, null when the denominator is 0. */
  private static Column rate(String numerator, String denominator) {
    return when(col(denominator).gt(0), col(numerator).cast(DataTypes.DoubleType).divide(col(denominator)))
        .otherwise(lit(null).cast(DataTypes.DoubleType));
  }
}
