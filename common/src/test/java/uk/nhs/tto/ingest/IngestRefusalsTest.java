package uk.nhs.tto.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.SparkExtension;

/**
 * One ingest of an extracts folder holding a file for each reason SPEC §1 refuses a whole file, beside good files
 * that must still be ingested (including a header-only file and one with a byte-order mark and CRLF endings).
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestRefusalsTest {

  private static final String REFERRAL_ROW = ExtractFixture.referral("P1", "C1", "2023-04-03", "", "");

  private Lake lake;
  private IngestResult result;
  private Map<String, String> reasons;

  @BeforeAll
  void ingestOnce(SparkSession spark, @TempDir Path tmp) throws IOException {
    ExtractFixture x = new ExtractFixture(tmp.resolve("extracts"));
    // Good files.
    x.csv("T0001", 1489, IdsTable.IDS101Referral, REFERRAL_ROW);
    String mpi = "\uFEFF" + ExtractFixture.header(IdsTable.IDS001MPI) + "\r\nT0001,1489,501,C1,34,1,A,3\r\n";
    x.write("T0001/1489/IDS001MPI.csv", mpi.getBytes(StandardCharsets.UTF_8));
    x.csv("T0001", 1489, IdsTable.IDS202CareActivity);
    x.write("T0001/1489/.DS_Store", new byte[] {0, 1, 2});
    // Refused for their content.
    x.write("T0001/1489/IDS201CareContact.csv", new byte[0]);
    x.write(
        "T0002/1489/IDS101Referral.csv",
        (ExtractFixture.header(IdsTable.IDS101Referral) + "\nT0002,1489,502,P2,C\u00e9,2023-04-03,,\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    x.csvWithHeader("T0002", 1489, IdsTable.IDS001MPI,
        "OrgID_Provider,Unique_MonthID,UniqueSubmissionID,Person_ID,Age,Gender,EthnicCategory",
        "T0002,1489,502,C2,30,2,A");
    x.csvWithHeader("T0005", 1489, IdsTable.IDS001MPI,
        "OrgID_Provider,Unique_MonthID,UniqueSubmissionID,person_id,Age,Gender,EthnicCategory,IMD_Decile",
        "T0005,1489,505,C5,30,2,A,1");
    x.csvWithHeader("T0002", 1489, IdsTable.IDS202CareActivity,
        ExtractFixture.header(IdsTable.IDS202CareActivity) + ",PathwayID",
        "T0002,1489,502,ACT1,CON1,P2,1127831000000106,P2");
    x.csvWithHeader("T0002", 1489, IdsTable.IDS603PresentingComplaints,
        ExtractFixture.header(IdsTable.IDS603PresentingComplaints) + ",DateOfBirth",
        "T0002,1489,502,P2,F32.1,2023-04-03,1990-01-01");
    x.csv("T0003", 1489, IdsTable.IDS101Referral, "T0003,1489,503,P3,943 476 5919,2023-04-03,,");
    x.csvWithHeader("T0003", 1489, IdsTable.IDS201CareContact,
        ExtractFixture.header(IdsTable.IDS201CareContact) + ",Referral Source",
        "T0003,1489,503,CON3,P3,2023-04-10,09:30,02,5,TH3,GP",
        "T0003,1489,503,CON4,P3,2023-04-17,09:30,02,5,TH3,LS1 4AP");
    x.write("T0004/1489/IDS101Referral.parquet", "PAR1 but not really".getBytes(StandardCharsets.UTF_8));
    x.write("T0004/1489/IDS001MPI.parquet", truncatedParquet(spark, tmp));
    // Refused for their place or name.
    x.write("T0001/IDS101Referral.csv", ("x\n").getBytes(StandardCharsets.UTF_8));
    x.write("T-01/1489/IDS101Referral.csv", ("x\n").getBytes(StandardCharsets.UTF_8));
    x.write("T0004/April/IDS101Referral.csv", ("x\n").getBytes(StandardCharsets.UTF_8));
    x.write("T0001/1489/IDS999Unknown.csv", ("x\n").getBytes(StandardCharsets.UTF_8));
    x.write("T0001/1489/IDS101Referral.txt", ("x\n").getBytes(StandardCharsets.UTF_8));
    x.write("IDS001MPI.csv", ("x\n").getBytes(StandardCharsets.UTF_8));
    // Delivery metadata in the root (the generator's side files): neither ingested nor refused.
    x.write("cohorts.csv", ("OrgID_Provider,ChangeDate,WindowMonths,WashoutDays\n").getBytes(StandardCharsets.UTF_8));
    x.write("generator.json", ("{}\n").getBytes(StandardCharsets.UTF_8));

    lake = new Lake(spark, tmp.resolve("lake").toString());
    result = Ingest.run(lake, ExtractFixture.settingsWithTestKey(tmp.resolve("keys")), x.root().toString());
    reasons =
        result.refused().stream().collect(Collectors.toMap(IngestResult.Refusal::file, IngestResult.Refusal::reason));
  }

  /** A real Parquet file cut in the middle: its footer and closing magic are gone. */
  private static byte[] truncatedParquet(SparkSession spark, Path tmp) throws IOException {
    Path out = tmp.resolve("parquet");
    spark.range(100).selectExpr("cast(id as string) as Person_ID").coalesce(1).write().parquet(out.toString());
    try (Stream<Path> files = Files.list(out)) {
      byte[] whole = Files.readAllBytes(
          files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow());
      return Arrays.copyOf(whole, whole.length / 2);
    }
  }

  @Test
  void everyRefusedFileIsListedWithItsReasonAndEveryOtherFileIsIngested() {
    assertThat(reasons.keySet())
        .containsExactlyInAnyOrder(
            "T0001/1489/IDS201CareContact.csv",
            "T0002/1489/IDS101Referral.csv",
            "T0002/1489/IDS001MPI.csv",
            "T0005/1489/IDS001MPI.csv",
            "T0002/1489/IDS202CareActivity.csv",
            "T0002/1489/IDS603PresentingComplaints.csv",
            "T0003/1489/IDS101Referral.csv",
            "T0003/1489/IDS201CareContact.csv",
            "T0004/1489/IDS101Referral.parquet",
            "T0004/1489/IDS001MPI.parquet",
            "T0001/IDS101Referral.csv",
            "T-01/1489/IDS101Referral.csv",
            "T0004/April/IDS101Referral.csv",
            "T0001/1489/IDS999Unknown.csv",
            "T0001/1489/IDS101Referral.txt",
            "IDS001MPI.csv");
    assertThat(result.filesRead()).isEqualTo(19);
    assertThat(result.filesIngested()).isEqualTo(3);
    reasons.forEach((file, reason) -> assertThat(reason).as(file).startsWith(file));
  }

  @Test
  void refusedFilesLeaveNoRowInBronzeOrQuarantine() {
    List<String> sources = Stream.of(IdsTable.values())
        .flatMap(t -> Stream.of(IngestTables.bronze(t), IngestTables.quarantine(t)))
        .filter(lake::exists)
        .flatMap(name -> lake.read(name).select("_source_file").distinct().collectAsList().stream())
        .map(r -> r.getString(0))
        .distinct()
        .toList();
    assertThat(sources).containsExactlyInAnyOrder("T0001/1489/IDS101Referral.csv", "T0001/1489/IDS001MPI.csv");
    assertThat(lake.exists(IngestTables.bronze(IdsTable.IDS201CareContact))).isFalse();
  }

  @Test
  void anEmptyFileIsRefused() {
    assertThat(reasons.get("T0001/1489/IDS201CareContact.csv"))
        .contains("is empty (0 bytes)")
        .contains("deliver the file again");
  }

  @Test
  void aFileThatIsNotUtf8IsRefusedNamingTheLine() {
    assertThat(reasons.get("T0002/1489/IDS101Referral.csv"))
        .contains("is not valid UTF-8 (line 2")
        .contains("re-export the file as UTF-8");
  }

  @Test
  void aFileLackingARequiredColumnIsRefusedNamingIt() {
    assertThat(reasons.get("T0002/1489/IDS001MPI.csv"))
        .contains("lacks required column IMD_Decile of IDS001MPI")
        .contains("add it to the header");
    assertThat(reasons.get("T0005/1489/IDS001MPI.csv"))
        .contains("lacks required column Person_ID (found 'person_id'; names are case-sensitive)");
  }

  @Test
  void aFileRepeatingAColumnIsRefused() {
    assertThat(reasons.get("T0002/1489/IDS202CareActivity.csv"))
        .contains("repeats column 'PathwayID'")
        .contains("remove or rename the repeat");
  }

  @Test
  void aFileWithAColumnNamedLikeADirectIdentifierIsRefused() {
    assertThat(reasons.get("T0002/1489/IDS603PresentingComplaints.csv"))
        .contains("carries a direct identifier: column 'DateOfBirth' (named like a date of birth)")
        .contains("remove the column")
        .doesNotContain("1990-01-01");
  }

  @Test
  void aFileHoldingAnNhsNumberIsRefusedNamingTheColumnButNeverTheValue() {
    assertThat(reasons.get("T0003/1489/IDS101Referral.csv"))
        .contains("carries a direct identifier: column 'Person_ID' holds an NHS number (line 2)")
        .doesNotContain("943")
        .doesNotContain("5919");
  }

  @Test
  void aFileHoldingAPostcodeIsRefusedWholeNamingTheColumn() {
    assertThat(reasons.get("T0003/1489/IDS201CareContact.csv"))
        .contains("column 'Referral Source' holds a UK postcode (line 3)")
        .doesNotContain("LS1");
  }

  @Test
  void parquetThatCannotBeReadIsRefused() {
    assertThat(reasons.get("T0004/1489/IDS101Referral.parquet")).contains("cannot be read as Parquet");
    assertThat(reasons.get("T0004/1489/IDS001MPI.parquet")).contains("cannot be read as Parquet");
  }

  @Test
  void aFileOutsideAnOrgIdProviderAndMonthFolderIsRefused() {
    assertThat(reasons.get("T0001/IDS101Referral.csv"))
        .contains("is not inside an <OrgID_Provider>/<Unique_MonthID> folder")
        .contains("move it to <extracts>/<OrgID_Provider>/<Unique_MonthID>/IDS101Referral.csv");
    assertThat(reasons.get("IDS001MPI.csv")).contains("is not inside an <OrgID_Provider>/<Unique_MonthID> folder");
    assertThat(reasons.get("T-01/1489/IDS101Referral.csv")).contains("folder 'T-01' is not an OrgID_Provider");
    assertThat(reasons.get("T0004/April/IDS101Referral.csv")).contains("folder 'April' is not a Unique_MonthID");
  }

  @Test
  void aFileNamedForNoIdsTableIsRefused() {
    assertThat(reasons.get("T0001/1489/IDS999Unknown.csv")).contains("is not an IDS table file");
    assertThat(reasons.get("T0001/1489/IDS101Referral.txt")).contains("is not an IDS table file");
  }

  @Test
  void rootLevelFilesNotNamedLikeATableAreDeliveryMetadataAndIgnored() {
    assertThat(reasons).doesNotContainKeys("cohorts.csv", "generator.json");
  }

  @Test
  void hiddenFilesAreNotExtractFiles() {
    assertThat(reasons).doesNotContainKey("T0001/1489/.DS_Store");
  }

  @Test
  void aByteOrderMarkAndCrlfLineEndingsAreAccepted() {
    Row person = lake.read(IngestTables.bronze(IdsTable.IDS001MPI)).first();
    assertThat(person.<String>getAs("OrgID_Provider")).isEqualTo("T0001");
    assertThat(person.<String>getAs("IMD_Decile")).isEqualTo("3");
    assertThat(person.<Long>getAs("_line")).isEqualTo(2L);
  }

  @Test
  void aHeaderOnlyFileIsIngestedWithNoRows() {
    assertThat(lake.read(IngestTables.bronze(IdsTable.IDS202CareActivity)).count()).isZero();
    Row meta =
        lake.read(IngestTables.META)
            .filter("file = 'T0001/1489/IDS202CareActivity.csv'")
            .first();
    assertThat(meta.<String>getAs("status")).isEqualTo("INGESTED");
    assertThat(meta.<Long>getAs("rows_read")).isZero();
  }

  @Test
  void refusedFilesAreRecordedInMetaWithTheirReason() {
    Map<String, Row> meta =
        lake.read(IngestTables.META).filter("status = 'REFUSED'").collectAsList().stream()
            .collect(Collectors.toMap(r -> r.<String>getAs("file"), r -> r));
    assertThat(meta.keySet()).isEqualTo(reasons.keySet());
    Row nhs = meta.get("T0003/1489/IDS101Referral.csv");
    assertThat(nhs.<String>getAs("reason")).isEqualTo(reasons.get("T0003/1489/IDS101Referral.csv"));
    assertThat(nhs.<String>getAs("table")).isEqualTo("IDS101Referral");
    assertThat(nhs.<String>getAs("service_id")).isEqualTo("T0003");
    assertThat(nhs.<Integer>getAs("month_id")).isEqualTo(1489);
    assertThat(nhs.<Long>getAs("rows_read")).isZero();
    Row unknown = meta.get("T0001/1489/IDS999Unknown.csv");
    assertThat(unknown.<String>getAs("table")).isNull();
    assertThat(meta.get("IDS001MPI.csv").<String>getAs("service_id")).isNull();
  }
}
