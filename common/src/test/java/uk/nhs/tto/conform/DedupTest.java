package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
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

  /** Every row a key had, in no particular order; the tag says which row must win. */
  private static final List<Row> RESUBMITTED =
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
          RowFactory.create("E", "1497", "5", LATE, "f", 10L, "E-winner"),
          // Keys F and G were delivered once: they win whatever their month.
          RowFactory.create("F", "1400", "1", EARLY, "f", 11L, "F-winner"),
          RowFactory.create("G", "1497", "1", EARLY, "f", 12L, "G-winner"),
          // Key H: a loser with no file recorded still loses.
          RowFactory.create("H", "1496", "5", LATE, null, 15L, "H-no-file"),
          RowFactory.create("H", "1497", "5", LATE, "f", 16L, "H-winner"),
          // No key at all: the missing keys are one key, whose winner derive then quarantines (required field).
          RowFactory.create(null, "1496", "5", LATE, "f", 13L, "null-older-month"),
          RowFactory.create(null, "1497", "5", LATE, "f", 14L, "null-winner"));

  private static final List<Row> ONCE_EACH =
      List.of(
          RowFactory.create("A", "1497", "1", EARLY, "f", 2L, "A"),
          RowFactory.create("B", "1496", "1", EARLY, "f", 3L, "B"),
          RowFactory.create("C", "1495", "1", EARLY, "f", 4L, "C"));

  private static final List<String> WINNERS =
      List.of(
          "A-winner", "B-winner", "C-winner", "D-winner", "E-winner", "F-winner", "G-winner", "H-winner",
          "null-winner");

  @Test
  void theLatestMonthWinsThenTheHighestSubmissionThenLatestIngestThenFileThenLine(SparkSession spark) {
    Dataset<Row> bronze = spark.createDataFrame(RESUBMITTED, BRONZE);
    assertThat(winners(bronze.withColumn(Dedup.WINNER, Dedup.isWinner(IdsTable.IDS101Referral))))
        .containsExactlyElementsOf(WINNERS);
  }

  @Test
  void rankingOnlyTheContestedKeysPicksTheSameWinnersAsTheWindowOverEveryRow(SparkSession spark) {
    Dataset<Row> bronze = spark.createDataFrame(RESUBMITTED, BRONZE);
    // 15 rows of contested keys (A to E, H and the missing key): within the bound, only they are ranked, and the
    // losers among them are joined back to every row ...
    Dataset<Row> ranked = Dedup.markWinners(bronze, IdsTable.IDS101Referral, 15);
    assertThat(winners(ranked)).containsExactlyElementsOf(WINNERS);
    assertThat(plan(ranked)).contains("BroadcastHashJoin");
    // ... and above the bound every row goes through the window, with nothing to join.
    Dataset<Row> windowed = Dedup.markWinners(bronze, IdsTable.IDS101Referral, 14);
    assertThat(winners(windowed)).containsExactlyElementsOf(WINNERS);
    assertThat(plan(windowed)).contains("Window").doesNotContain("Join");
  }

  @Test
  void anEventTableWithEveryKeyDeliveredOnceIsNotRankedAtAll(SparkSession spark) {
    StructType scores =
        new StructType(
            Arrays.stream(BRONZE.fields())
                .map(f -> f.name().equals("PathwayID") ? f.copy("UniqueID_IDS607", f.dataType(), f.nullable(),
                    f.metadata()) : f)
                .toArray(StructField[]::new));
    Dataset<Row> bronze = spark.createDataFrame(ONCE_EACH, scores);
    Dataset<Row> marked = Dedup.markWinners(bronze, IdsTable.IDS607CodedScoreAssessmentAct);
    assertThat(winners(marked)).containsExactly("A", "B", "C");
    assertThat(plan(marked)).doesNotContain("Window").doesNotContain("Join");
  }

  @Test
  void theTablesOfAnOpenReferralAlwaysGoThroughTheWindow(SparkSession spark) {
    // Re-submitted every month a referral is open: counting contested keys first would only delay the window.
    Dataset<Row> marked = Dedup.markWinners(spark.createDataFrame(ONCE_EACH, BRONZE), IdsTable.IDS101Referral);
    assertThat(winners(marked)).containsExactly("A", "B", "C");
    assertThat(plan(marked)).contains("Window");
  }

  private static String plan(Dataset<Row> marked) {
    return marked.queryExecution().executedPlan().toString();
  }

  private static List<String> winners(Dataset<Row> marked) {
    return marked
        .filter(col(Dedup.WINNER))
        .select(col("tag"))
        .orderBy("tag")
        .as(Encoders.STRING())
        .collectAsList();
  }
}
