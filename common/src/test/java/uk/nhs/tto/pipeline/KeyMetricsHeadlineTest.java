package uk.nhs.tto.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.disclosure.Disclosure;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class KeyMetricsHeadlineTest {

  private static final StructType SCHEMA =
      new StructType()
          .add("level", DataTypes.StringType)
          .add("service_id", DataTypes.StringType)
          .add("month_id", DataTypes.IntegerType)
          .add("cohort", DataTypes.StringType)
          .add("finished", DataTypes.LongType)
          .add("at_caseness", DataTypes.LongType)
          .add("recovered", DataTypes.LongType)
          .add("reliably_improved", DataTypes.LongType)
          .add("reliably_deteriorated", DataTypes.LongType)
          .add("reliably_recovered", DataTypes.LongType);

  @Test
  void cohortRowsAreRoundedAndNationalRowIsExact(SparkSession spark) {
    Dataset<Row> metrics =
        spark.createDataFrame(
            List.of(
                RowFactory.create("national", null, null, null, 1003L, 900L, 451L, 602L, 33L, 420L),
                RowFactory.create("cohort", null, null, "post", 498L, 452L, 230L, 301L, 3L, 200L),
                RowFactory.create("cohort", null, null, "pre", 502L, 448L, 221L, 298L, 30L, 215L),
                RowFactory.create("service", "T0001", null, null, 1003L, 900L, 451L, 602L, 33L, 420L)),
            SCHEMA);

    String text = KeyMetricsHeadline.of(metrics, Disclosure.defaults()).toString();
    List<String> lines = text.lines().toList();

    // Order: pre, post, then national; service rows are not part of the headline.
    assertThat(lines).hasSize(5);
    assertThat(lines.get(2)).startsWith("pre");
    assertThat(lines.get(3)).startsWith("post");
    assertThat(lines.get(4)).startsWith("all finished courses (national)");
    // pre: 502 -> 500, 448 -> 450; recovery 221/448 = 49.3% -> 49%; improvement 298/502 = 59.4% -> 59%;
    // deterioration 30/502 = 5.98% -> 6%; reliable recovery 215/448 = 47.99% -> 48%
    assertThat(lines.get(2).split("\\s{2,}")).containsExactly("pre", "500", "450", "49%", "59%", "6%", "48%");
    // post: deterioration 3 of 498 is a count under 5 -> suppressed
    assertThat(lines.get(3).split("\\s{2,}")).containsExactly("post", "500", "450", "51%", "60%", "*", "44%");
    // national: exact counts; 451/900 = 50.1%, 602/1003 = 60.0%, 33/1003 = 3.3%, 420/900 = 46.7%
    assertThat(lines.get(4).split("\\s{2,}"))
        .containsExactly("all finished courses (national)", "1003", "900", "50.1%", "60.0%", "3.3%", "46.7%");
  }
}
