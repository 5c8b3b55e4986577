package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class MonthIdColumnsTest {

  @Test
  void monthIdsCountFromApril1900AsTheDataSetDoes(SparkSession spark) {
    // id = (year − 1900) * 12 + month − 3: April 2019 = 119*12 + 1 = 1429; April 2024 = 1489; Feb 2024 = 1487;
    // March 2025 = 125*12 + 0 = 1500.
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("day", DataTypes.DateType);
    List<Row> rows =
        List.of(
            RowFactory.create(1429, Date.valueOf("2019-04-01")),
            RowFactory.create(1489, Date.valueOf("2024-04-15")),
            RowFactory.create(1487, Date.valueOf("2024-02-10")),
            RowFactory.create(1500, Date.valueOf("2025-03-31")));
    List<Row> out =
        spark.createDataFrame(rows, schema)
            .select(col("id"), MonthIdColumns.of(col("day")).as("of"), MonthIdColumns.monthEnd(col("id")).as("end"))
            .orderBy("id")
            .collectAsList();
    assertThat(out.stream().map(r -> r.<Integer>getAs("of")).toList()).containsExactly(1429, 1487, 1489, 1500);
    // Month ends: 2019-04-30, 2024-02-29 (leap year), 2024-04-30, 2025-03-31.
    assertThat(out.stream().map(r -> r.<Date>getAs("end").toString()).toList())
        .containsExactly("2019-04-30", "2024-02-29", "2024-04-30", "2025-03-31");
  }
}
