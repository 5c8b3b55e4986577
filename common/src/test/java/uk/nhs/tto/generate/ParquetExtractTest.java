package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.testing.SparkExtension;

/** {@code --format parquet} writes the same rows as CSV, readable by Spark, with SPEC §1's int and long columns. */
@ExtendWith(SparkExtension.class)
class ParquetExtractTest {

  @TempDir
  Path tmp;

  @Test
  void parquetTablesHoldTheSameRowsAsTheCsvOfTheSameSeed(SparkSession spark) throws Exception {
    Path csv = tmp.resolve("csv");
    Path parquet = tmp.resolve("parquet");
    Generator.generate(Extracts.small(csv).services(2).months(4).build(), line -> { });
    Generator.generate(Extracts.small(parquet).services(2).months(4).format(GeneratorOptions.Format.PARQUET).build(),
        line -> { });

    assertThat(Files.exists(parquet.resolve("T0002/1480/IDS607CodedScoreAssessmentAct.parquet"))).isTrue();
    for (IdsTable t : IdsTable.values()) {
      Dataset<Row> table = spark.read().parquet(parquet + "/T*/*/" + t.fileStem() + ".parquet");
      assertThat(table.schema().fieldNames()).containsExactlyElementsOf(t.required().keySet());
      assertThat(table.schema().apply("Unique_MonthID").dataType()).isEqualTo(DataTypes.IntegerType);
      assertThat(table.schema().apply("UniqueSubmissionID").dataType()).isEqualTo(DataTypes.LongType);

      List<String> fromParquet = table.collectAsList().stream()
          .map(r -> {
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
              fields.add(r.isNullAt(i) ? "" : String.valueOf(r.get(i)));
            }
            return String.join(",", fields);
          })
          .sorted()
          .collect(Collectors.toList());
      List<String> fromCsv = new ArrayList<>();
      for (Path f : Extracts.files(csv, t)) {
        List<String> lines = Extracts.lines(f);
        fromCsv.addAll(lines.subList(1, lines.size()));
      }
      fromCsv.sort(null);
      assertThat(fromParquet).as(t.fileStem()).isNotEmpty().isEqualTo(fromCsv);
    }
  }
}
