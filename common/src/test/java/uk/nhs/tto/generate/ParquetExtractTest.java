package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.testing.SparkExtension;

/** {@code --format parquet} writes the same rows as CSV, with SPEC §1's int and long columns, readable by Spark. */
@ExtendWith(SparkExtension.class)
class ParquetExtractTest {

  @TempDir
  static Path tmp;

  static Path csv;
  static Path parquet;

  @BeforeAll
  static void generate() {
    csv = tmp.resolve("csv");
    parquet = tmp.resolve("parquet");
    Generator.generate(Extracts.small(csv).services(2).months(4).build(), line -> { });
    Generator.generate(Extracts.small(parquet).services(2).months(4).format(GeneratorOptions.Format.PARQUET).build(),
        line -> { });
  }

  @Test
  void everyParquetFileHoldsTheRowsOfTheCsvFileOfTheSameSeed() throws IOException {
    for (IdsTable t : IdsTable.values()) {
      for (Path csvFile : Extracts.files(csv, t)) {
        Path relative = csv.relativize(csvFile);
        Path parquetFile = parquet.resolve(relative.toString().replace(".csv", ".parquet"));
        List<String> lines = Extracts.lines(csvFile);
        assertThat(read(parquetFile)).as(relative.toString()).isEqualTo(lines.subList(1, lines.size()));
      }
    }
  }

  /** Rows as CSV would write them: columns in order, a missing value empty. */
  private static List<String> read(Path file) throws IOException {
    List<String> rows = new ArrayList<>();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(file.toUri())).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < g.getType().getFieldCount(); i++) {
          fields.add(g.getFieldRepetitionCount(i) == 0 ? "" : g.getValueToString(i, 0));
        }
        rows.add(String.join(",", fields));
      }
    }
    return rows;
  }

  @Test
  void sparkReadsTheTablesWithIntMonthsAndLongSubmissionIds(SparkSession spark) {
    Dataset<Row> scores = spark.read().parquet(parquet + "/T*/*/IDS607CodedScoreAssessmentAct.parquet");

    assertThat(scores.schema().fieldNames())
        .containsExactlyElementsOf(IdsTable.IDS607CodedScoreAssessmentAct.required().keySet());
    assertThat(scores.schema().apply("Unique_MonthID").dataType()).isEqualTo(DataTypes.IntegerType);
    assertThat(scores.schema().apply("UniqueSubmissionID").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(scores.schema().apply("PersScore").dataType()).isEqualTo(DataTypes.StringType);
    assertThat(scores.count()).isEqualTo(Extracts.rows(csv, IdsTable.IDS607CodedScoreAssessmentAct).size());
  }
}
