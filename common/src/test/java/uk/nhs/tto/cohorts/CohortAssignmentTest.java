package uk.nhs.tto.cohorts;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class CohortAssignmentTest {

  // S1: C = 2024-03-31, W = 1, washout 10 -> window [2024-02-29, 2024-04-30), washout [03-31, 04-10).
  // S2: C = 2024-06-15, W = 2, no washout -> window [2024-04-15, 2024-08-15).
  private static final List<CohortDefinition> DEFINITIONS =
      List.of(
          new CohortDefinition("S1", LocalDate.of(2024, 3, 31), 1, 10),
          new CohortDefinition("S2", LocalDate.of(2024, 6, 15), 2, 0));

  @Test
  void everyFinishedCourseOfACohortServiceFallsIntoExactlyOneCohort(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    // id, service, finished, first treatment, discharged -> expected
    Map<String, String> expected = new HashMap<>();
    add(rows, expected, "a", "S1", true, "2024-01-10", "2024-02-29", "pre"); // clamped window start, inclusive
    add(rows, expected, "b", "S1", true, "2024-01-10", "2024-02-28", "outside"); // the day before it
    add(rows, expected, "c", "S1", true, "2024-02-01", "2024-03-30", "pre"); // the day before C
    add(rows, expected, "d", "S1", true, "2024-04-10", "2024-04-29", "post"); // first = washout end; last window day
    add(rows, expected, "e", "S1", true, "2024-04-10", "2024-04-30", "outside"); // discharged at C + W (exclusive)
    add(rows, expected, "f", "S1", true, "2024-03-30", "2024-03-31", "spanning"); // first before C, discharged at C
    add(rows, expected, "g", "S1", true, "2024-03-31", "2024-04-20", "washout"); // first at C
    add(rows, expected, "h", "S1", true, "2024-04-09", "2024-06-01", "washout"); // last washout day
    add(rows, expected, "i", "S1", true, "2024-01-01", "2024-06-01", "spanning"); // spanning even past the window
    add(rows, expected, "j", "S1", false, "2024-02-01", "2024-03-01", null); // not finished
    add(rows, expected, "k", "S9", true, "2024-02-01", "2024-03-01", null); // service not in the file
    add(rows, expected, "l", "S2", true, "2024-06-15", "2024-07-01", "post"); // no washout: first at C is post
    add(rows, expected, "m", "S2", true, "2024-04-01", "2024-04-15", "pre"); // discharged at C − W
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("service_id", DataTypes.StringType)
            .add("finished", DataTypes.BooleanType)
            .add("first_treatment_date", DataTypes.DateType)
            .add("discharge_date", DataTypes.DateType);
    Dataset<Row> assigned = CohortAssignment.assign(spark.createDataFrame(rows, schema), DEFINITIONS);

    Map<String, String> actual = new HashMap<>();
    assigned.collectAsList().forEach(r -> actual.put(r.getAs("id"), r.getAs("cohort")));
    assertThat(actual).isEqualTo(expected);
    assertThat(assigned.columns()).containsExactly("id", "service_id", "finished", "first_treatment_date",
        "discharge_date", "cohort");
  }

  private static void add(List<Row> rows, Map<String, String> expected, String id, String service, boolean finished,
      String first, String discharged, String cohort) {
    rows.add(RowFactory.create(id, service, finished, Date.valueOf(first), Date.valueOf(discharged)));
    expected.put(id, cohort);
  }
}
