package uk.nhs.tto.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
class KeyMetricsTest {

  private static final StructType COURSES =
      new StructType()
          .add("service_id", DataTypes.StringType)
          .add("discharge_month_id", DataTypes.IntegerType)
          .add("cohort", DataTypes.StringType)
          .add("finished", DataTypes.BooleanType)
          .add("caseness", DataTypes.BooleanType)
          .add("recovered", DataTypes.BooleanType)
          .add("reliably_improved", DataTypes.BooleanType)
          .add("reliably_deteriorated", DataTypes.BooleanType)
          .add("reliably_recovered", DataTypes.BooleanType);

  @Test
  void ratesUseAtCasenessOrAllFinishedCoursesAsDenominators(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    // A1 S1 1490 pre: caseness, recovered, improved, reliably recovered.
    rows.add(course("S1", 1490, "pre", true, true, true, true, false, true));
    // A2 S1 1490 pre: caseness, nothing else.
    rows.add(course("S1", 1490, "pre", true, true, false, false, false, false));
    // A3 S1 1491 post: not at caseness, deteriorated.
    rows.add(course("S1", 1491, "post", true, false, false, false, true, false));
    // A4 S1 1491 no cohort: finished but unpaired -> counts as finished only.
    rows.add(course("S1", 1491, null, true, null, null, null, null, null));
    // A5 S2 1491: caseness and improved but not recovered.
    rows.add(course("S2", 1491, null, true, true, false, true, false, false));
    // A6 S2 open: not finished -> in no count.
    rows.add(course("S2", null, null, false, null, null, null, null, null));
    List<Row> metrics = KeyMetrics.compute(spark.createDataFrame(rows, COURSES)).collectAsList();

    // National: finished 5; caseness A1 A2 A5 = 3; recovered A1 = 1; improved A1 A5 = 2; deteriorated A3 = 1;
    // reliably recovered A1 = 1. Recovery 1/3, improvement 2/5, deterioration 1/5, reliable recovery 1/3.
    assertRow(find(metrics, "national", null, null, null), 5, 3, 1, 2, 1, 1, 1 / 3.0, 0.4, 0.2, 1 / 3.0);
    // S1: A1-A4: finished 4, caseness 2, recovered 1, improved 1, deteriorated 1, reliably recovered 1.
    assertRow(find(metrics, "service", "S1", null, null), 4, 2, 1, 1, 1, 1, 0.5, 0.25, 0.25, 0.5);
    // S1 1491: A3 A4: caseness 0 -> recovery rates have no denominator (null).
    assertRow(find(metrics, "service_month", "S1", 1491, null), 2, 0, 0, 0, 1, 0, null, 0.0, 0.5, null);
    // National 1491: A3 A4 A5.
    assertRow(find(metrics, "national_month", null, 1491, null), 3, 1, 0, 1, 1, 0, 0.0, 1 / 3.0, 1 / 3.0, 0.0);
    // Cohorts: pre A1 A2, post A3; courses without a cohort are in no cohort row.
    assertRow(find(metrics, "cohort", null, null, "pre"), 2, 2, 1, 1, 0, 1, 0.5, 0.5, 0.0, 0.5);
    assertRow(find(metrics, "cohort", null, null, "post"), 1, 0, 0, 0, 1, 0, null, 0.0, 1.0, null);
    // 1 national + 2 services + 3 service-months (S1 1490, S1 1491, S2 1491) + 2 national months + 2 cohorts.
    assertThat(metrics).hasSize(10);
  }

  @Test
  void theNationalRowIsThereWithZerosWhenNothingIsFinished(SparkSession spark) {
    Dataset<Row> none =
        spark.createDataFrame(List.of(course("S1", null, null, false, null, null, null, null, null)), COURSES);
    List<Row> metrics = KeyMetrics.compute(none).collectAsList();
    assertThat(metrics).hasSize(1);
    assertRow(metrics.get(0), 0, 0, 0, 0, 0, 0, null, null, null, null);
    assertThat(NationalMetrics.from(KeyMetrics.compute(none))).isEqualTo(new NationalMetrics(0, 0, 0, 0, 0, 0));
  }

  private static Row course(String service, Integer month, String cohort, boolean finished, Boolean caseness,
      Boolean recovered, Boolean improved, Boolean deteriorated, Boolean reliablyRecovered) {
    return RowFactory.create(service, month, cohort, finished, caseness, recovered, improved, deteriorated,
        reliablyRecovered);
  }

  private static Row find(List<Row> metrics, String level, String service, Integer month, String cohort) {
    List<Row> found =
        metrics.stream()
            .filter(r -> level.equals(r.getAs("level")) && Objects.equals(service, r.getAs("service_id"))
                && Objects.equals(month, r.getAs("month_id")) && Objects.equals(cohort, r.getAs("cohort")))
            .toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private static void assertRow(Row r, long finished, long caseness, long recovered, long improved,
      long deteriorated, long reliablyRecovered, Double recovery, Double improvement, Double deterioration,
      Double reliableRecovery) {
    assertThat(Arrays.asList(r.getAs("finished"), r.getAs("at_caseness"), r.getAs("recovered"),
            r.getAs("reliably_improved"), r.getAs("reliably_deteriorated"), r.getAs("reliably_recovered")))
        .containsExactly(finished, caseness, recovered, improved, deteriorated, reliablyRecovered);
    Double[] expected = {recovery, improvement, deterioration, reliableRecovery};
    String[] names = {"recovery_rate", "reliable_improvement_rate", "reliable_deterioration_rate",
        "reliable_recovery_rate"};
    for (int i = 0; i < names.length; i++) {
      Double actual = r.getAs(names[i]);
      if (expected[i] == null) {
        assertThat(actual).as(names[i]).isNull();
      } else {
        assertThat(actual).as(names[i]).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-12));
      }
    }
  }
}
