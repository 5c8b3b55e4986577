package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class DedupTest {

  private static final StructType BRONZE =
      new StructType()
          .add("PathwayID", DataTypes.StringType)
          .add("Unique_MonthID", DataTypes.StringType)
          .add("UniqueSubmissionID", DataTypes.StringType)
          .add("_ingested_at", DataTypes.TimestampType)
          .add("_source_file", DataTypes.StringType)
          .add("_line", DataTypes.LongType)
          .add("tag", DataTypes.StringType);

  private static final Timestamp EARLY = Timestamp.valueOf("2025-01-01 10:00:00");
  private static final Timestamp LATE = Timestamp.valueOf("2025-01-02 10:00:00");

  @Test
  void theLatestMonthWinsThenTheHighestSubmissionThenLatestIngestThenFileThenLine(SparkSession spark) {
    List<Row> rows =
        List.of(
            // Key A: month 1497 beats 1496 although 1496's submission id is larger (months compared as numbers:
            // "997" would beat "1497" as strings).
            RowFactory.create("A", "1496", "99999", LATE, "f", 2L, "A-older-month"),
            RowFactory.create("A", "1497", "1", EARLY, "f", 3L, "A-winner"),
            RowFactory.create("A", "997", "1", LATE, "f", 4L, "A-string-trap"),
            // Key B: same month; submission 10 beats 9 (numbers, not strings).
            RowFactory.create("B", "1497", "9", LATE, "f", 2L, "B-lower-submission"),
            RowFactory.create("B", "1497", "10", EARLY, "f", 3L, "B-winner"),
            // Key C: same month and submission; later ingest wins.
            RowFactory.create("C", "1497", "5", EARLY, "z", 9L, "C-earlier-ingest"),
            RowFactory.create("C", "1497", "5", LATE, "a", 2L, "C-winner"),
            // Key D: all equal to the file; the greater _source_file wins.
            RowFactory.create("D", "1497", "5", LATE, "S1/1497/a.csv", 9L, "D-smaller-file"),
            RowFactory.create("D", "1497", "5", LATE, "S1/1497/b.csv", 2L, "D-winner"),
            // Key E: same file; the later line wins.
            RowFactory.create("E", "1497", "5", LATE, "f", 2L, "E-earlier-line"),
            RowFactory.create("E", "1497", "5", LATE, "f", 10L, "E-winner"));

    List<String> winners =
        spark.createDataFrame(rows, BRONZE)
            .withColumn("winner", Dedup.isWinner(IdsTable.IDS101Referral))
            .filter(col("winner"))
            .select(col("tag"))
            .orderBy("tag")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(winners).containsExactly("A-winner", "B-winner", "C-winner", "D-winner", "E-winner");
  }
}
