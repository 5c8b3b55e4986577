package uk.nhs.tto.cohorts;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Assigns each finished course of a cohort service to pre, post, spanning, washout or outside (SPEC §5).
 * Courses that are not finished, or whose service is not in the cohort file, get no cohort (null).
 */
public final class CohortAssignment {

  private CohortAssignment() {}

  /**
   * Adds a {@code cohort} STRING column to {@code courses}, which must have {@code service_id},
   * {@code finished}, {@code first_treatment_date} and {@code discharge_date}.
   */
  public static Dataset<Row> assign(Dataset<Row> courses, List<CohortDefinition> definitions) {
    StructType schema =
        new StructType()
            .add("_cohort_service", DataTypes.StringType, false)
            .add("_change", DataTypes.DateType, false)
            .add("_window_start", DataTypes.DateType, false)
            .add("_window_end", DataTypes.DateType, false)
            .add("_washout_end", DataTypes.DateType, false);
    List<Row> rows = new ArrayList<>();
    for (CohortDefinition d : definitions) {
      rows.add(
          RowFactory.create(
              d.serviceId(),
              Date.valueOf(d.changeDate()),
              Date.valueOf(d.windowStart()),
              Date.valueOf(d.windowEnd()),
              Date.valueOf(d.washoutEnd())));
    }
    Dataset<Row> defs = courses.sparkSession().createDataFrame(rows, schema);
    Dataset<Row> joined =
        courses.join(broadcast(defs), col("service_id").equalTo(defs.col("_cohort_service")), "left");
    return joined.withColumn("cohort", cohort()).drop(defs.columns());
  }

  /** The SPEC §5 rules in order; the first that holds decides, so a course is in exactly one cohort. */
  private static Column cohort() {
    Column change = col("_change");
    Column discharged = col("discharge_date");
    Column firstTreatment = col("first_treatment_date");
    return when(col("finished").isNull().or(col("finished").equalTo(false)).or(change.isNull()), lit(null))
        .when(discharged.geq(col("_window_start")).and(discharged.lt(change)), lit(Cohort.PRE.label()))
        .when(
            firstTreatment.geq(col("_washout_end")).and(discharged.geq(change)).and(discharged.lt(col("_window_end"))),
            lit(Cohort.POST.label()))
        .when(firstTreatment.lt(change).and(discharged.geq(change)), lit(Cohort.SPANNING.label()))
        .when(firstTreatment.geq(change).and(firstTreatment.lt(col("_washout_end"))), lit(Cohort.WASHOUT.label()))
        .otherwise(lit(Cohort.OUTSIDE.label()))
        .cast(DataTypes.StringType);
  }
}
