package uk.nhs.tto.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Ingest run three times on one lakehouse: on an extract, again on the same extract, and after a file was
 * re-delivered with new content under the same name and a refused file was moved to its right place.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestRerunTest {

  private static final List<String> TABLES =
      List.of("bronze.ids101referral", "bronze.ids201carecontact", "quarantine.ids101referral", IngestTables.META);

  private Lake lake;
  private IngestResult second;
  private IngestResult third;
  private final Map<String, List<String>> contentAfterFirst = new LinkedHashMap<>();
  private final Map<String, List<String>> contentAfterSecond = new LinkedHashMap<>();
  private final Map<String, Long> versionAfterFirst = new LinkedHashMap<>();
  private final Map<String, Long> versionAfterSecond = new LinkedHashMap<>();

  @BeforeAll
  void ingestThreeTimes(SparkSession spark, @TempDir Path tmp) throws Exception {
    ExtractFixture x = new ExtractFixture(tmp.resolve("extracts"));
    Path referrals =
        x.csv("T0001", 1489, IdsTable.IDS101Referral,
            ExtractFixture.referral("P1", "C1", "2023-04-03", "", ""),
            ExtractFixture.referral("P2", "C2", "2023-04-31", "", ""));
    x.csv("T0001", 1489, IdsTable.IDS201CareContact,
        "T0001,1489,501,CON1,P1,2023-04-10,09:30,02,5,TH1");
    x.write("T0001/IDS101Referral.csv", contentOfMonth1490());
    lake = new Lake(spark, tmp.resolve("lake").toString());
    Settings settings = ExtractFixture.settingsWithTestKey(tmp.resolve("keys"));

    Ingest.run(lake, settings, x.root().toString());
    snapshot(contentAfterFirst, versionAfterFirst);

    second = Ingest.run(lake, settings, x.root().toString());
    snapshot(contentAfterSecond, versionAfterSecond);

    // The provider re-delivers month 1489's referrals with P1 discharged, and puts the misplaced file right.
    Files.writeString(
        referrals,
        ExtractFixture.header(IdsTable.IDS101Referral) + "\n"
            + ExtractFixture.referral("P1", "C1", "2023-04-03", "2023-04-28", "46") + "\n",
        StandardCharsets.UTF_8);
    Path moved = x.root().resolve("T0001/1490/IDS101Referral.csv");
    Files.createDirectories(moved.getParent());
    Files.move(x.root().resolve("T0001/IDS101Referral.csv"), moved);
    third = Ingest.run(lake, settings, x.root().toString());
  }

  private static byte[] contentOfMonth1490() {
    return (ExtractFixture.header(IdsTable.IDS101Referral) + "\nT0001,1490,511,P3,C3,2023-05-02,,\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private void snapshot(Map<String, List<String>> content, Map<String, Long> versions) {
    for (String table : TABLES) {
      content.put(table, ExtractFixture.sortedRows(lake.read(table)));
      versions.put(table, lake.version(table));
    }
  }

  @Test
  void ingestingTheSameExtractsAgainSkipsEveryFile() {
    assertThat(second.filesRead()).isZero();
    assertThat(second.filesSkipped()).isEqualTo(3);
    assertThat(second.refused()).isEmpty();
    assertThat(second.batchId()).isEmpty();
    second.tables().values().forEach(c -> assertThat(c).isEqualTo(new IngestResult.TableCounts(0, 0, 0)));
  }

  @Test
  void ingestingTheSameExtractsAgainChangesNoTableNorItsVersion() {
    assertThat(contentAfterSecond).isEqualTo(contentAfterFirst);
    assertThat(versionAfterSecond).isEqualTo(versionAfterFirst);
    assertThat(contentAfterFirst.get("bronze.ids101referral")).hasSize(1);
    assertThat(contentAfterFirst.get("quarantine.ids101referral")).hasSize(1);
  }

  @Test
  void aFileChangedUnderTheSameNameIsIngestedAsANewSubmission() {
    assertThat(third.filesSkipped()).isEqualTo(1);
    assertThat(third.filesIngested()).isEqualTo(2);
    List<Row> versions =
        lake.read(IngestTables.META)
            .filter("file = 'T0001/1489/IDS101Referral.csv'")
            .select("sha256", "batch_id")
            .collectAsList();
    assertThat(versions).hasSize(2);
    assertThat(versions.get(0).getString(0)).isNotEqualTo(versions.get(1).getString(0));
    List<Row> dischargeDates =
        lake.read(IngestTables.bronze(IdsTable.IDS101Referral))
            .filter("_source_file = 'T0001/1489/IDS101Referral.csv'")
            .orderBy("_ingested_at")
            .select("ServDischDate")
            .collectAsList();
    assertThat(dischargeDates).extracting(r -> r.getString(0)).containsExactly(null, "2023-04-28");
  }

  @Test
  void aRefusedFileIsSkippedWhileItStaysButLookedAtAgainWhenMoved() throws Exception {
    assertThat(second.filesSkipped()).isEqualTo(3);
    assertThat(third.refused()).isEmpty();
    assertThat(
            lake.read(IngestTables.bronze(IdsTable.IDS101Referral))
                .filter("_source_file = 'T0001/1490/IDS101Referral.csv'")
                .count())
        .isEqualTo(1);
    assertThat(lake.read(IngestTables.META).filter("sha256 = '" + sha(contentOfMonth1490()) + "'")
            .select("status").collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactlyInAnyOrder("REFUSED", "INGESTED");
  }

  private static String sha(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
