package uk.nhs.tto.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.SparkExtension;

/**
 * One ingest of a small extract whose rows break each structural rule once (SPEC §1), with a Parquet file and an
 * extra column, checked row by row. Parquet is written uncompressed here so that the byte-level search for
 * delivered identifiers means something.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestRowsTest {

  // HMAC-SHA256 under ExtractFixture.KEY, computed independently:
  //   printf 'PATHWAY-RAW-0001' | openssl dgst -sha256 -hmac 'a-test-key-of-more-than-sixteen-characters'
  private static final String PATHWAY_0001 = "921a192b3ca1b341f1c2ea4eb0ee86606eb8c26a25775f630a1b6cca3347b077";
  private static final String PATHWAY_0002 = "9c142659baf997dbd8b9476bd8f4be346c782cca471600ff9010beb331c44955";
  private static final String PATHWAY_0007 = "703a568d6fe7d923d12121501d3bc62c97dc97e471f9f6d3f567469c83f54551";
  private static final String PERSON_0001 = "2e5bb2862d69163c149995be00efcfab24d67df748fa2e6f31a11244ca8aba65";
  private static final String PERSON_0003 = "1b69ec114cb3ef1d137fdfbaacbcebf5bb3e09423de60b74b8802d3b828bca3e";
  private static final String PERSON_0007 = "9399fc43880d412315dd4e2f029fce8a0823e931d5942ec0fe7074c92e1d1b7b";
  private static final String THERAPIST_01 = "3c2eba6825693642f7741ee7c08320d3bde59ae4f1b2ad701f5160272f2bec1d";

  private static final String REFERRALS = "T0001/1489/IDS101Referral.csv";

  private Path tmp;
  private SparkSession spark;
  private String codec;
  private Lake lake;
  private IngestResult result;
  private Path referrals;

  @BeforeAll
  void ingestOnce(SparkSession spark, @TempDir Path tmp) throws IOException {
    this.spark = spark;
    this.tmp = tmp;
    codec = spark.conf().get("spark.sql.parquet.compression.codec");
    spark.conf().set("spark.sql.parquet.compression.codec", "uncompressed");
    ExtractFixture x = new ExtractFixture(tmp.resolve("extracts"));
    referrals =
        x.csv("T0001", 1489, IdsTable.IDS101Referral,
            "T0001,1489,501,PATHWAY-RAW-0001,PERSON-RAW-0001,2023-04-03,,", // 2 accepted
            "T0001,1489,501,PATHWAY-RAW-0003,PERSON-RAW-0003,2023-04-03", // 3 six values, not eight
            "T0001,1489,501,,PERSON-RAW-0004,2023-04-03,,", // 4 no PathwayID
            "T0001,,501,PATHWAY-RAW-0005,PERSON-RAW-0005,2023-04-03,,", // 5 no Unique_MonthID
            "T0001,1489,5O1,PATHWAY-RAW-0006,PERSON-RAW-0006,2023-04-03,,", // 6 letter O in a number
            "T0001,1489,501,PATHWAY-RAW-0007,PERSON-RAW-0007,2023-02-30,,", // 7 no 30 February
            "T0001,1489,501,PATHWAY-RAW-0008,PERSON-RAW-0008,2023-04-03,31/12/2023,46", // 8 not ISO
            "T0002,1489,501,PATHWAY-RAW-0009,PERSON-RAW-0009,2023-04-03,,", // 9 another provider
            "T0001,1490,501,PATHWAY-RAW-0010,PERSON-RAW-0010,2023-04-03,,", // 10 another month
            "T0001,1489,501,\"PATHWAY-RAW-0011,PERSON-RAW-0011,2023-04-03,,", // 11 quote not closed
            "T0001,1489,501,\"PATHWAY-RAW-0002\",PERSON-RAW-0001,2023-04-10,2023-04-28,46"); // 12 accepted
    x.csvWithHeader("T0001", 1489, IdsTable.IDS201CareContact,
        ExtractFixture.header(IdsTable.IDS201CareContact) + ",Referral Source",
        "T0001,1489,501,CONTACT-KEPT-01,PATHWAY-RAW-0001,2023-04-10,09:30,02,5,THERAPIST-RAW-01,GP",
        "T0001,1489,501,CONTACT-KEPT-02,PATHWAY-RAW-0001,2023-04-17,9:30,02,5,THERAPIST-RAW-01,GP",
        "T0001,1489,501,CONTACT-KEPT-03,PATHWAY-RAW-0001,2023-04-24,,02,5,THERAPIST-RAW-01,");
    x.csv("T0001", 1489, IdsTable.IDS606CodedScoreAssessmentRefer,
        "T0001,1489,501,A606-KEPT-1,PATHWAY-RAW-0001,720433000,abc,2023-04-03");
    writeParquetPersons(x);
    lake = new Lake(spark, tmp.resolve("lake").toString());
    result = Ingest.run(lake, ExtractFixture.settingsWithTestKey(tmp.resolve("keys")), x.root().toString());
  }

  /** IDS001MPI as typed Parquet (ints for the numbers), the third row in the wrong provider's folder. */
  private void writeParquetPersons(ExtractFixture x) throws IOException {
    StructType schema =
        new StructType()
            .add("OrgID_Provider", DataTypes.StringType)
            .add("Unique_MonthID", DataTypes.IntegerType)
            .add("UniqueSubmissionID", DataTypes.LongType)
            .add("Person_ID", DataTypes.StringType)
            .add("Age", DataTypes.IntegerType)
            .add("Gender", DataTypes.StringType)
            .add("EthnicCategory", DataTypes.StringType)
            .add("IMD_Decile", DataTypes.IntegerType);
    List<Row> rows =
        List.of(
            RowFactory.create("T0002", 1489, 601L, "PERSON-RAW-0001", 34, "1", "A", 3),
            RowFactory.create("T0002", 1489, 601L, "PERSON-RAW-0002", 27, "2", "B", null),
            RowFactory.create("T0009", 1489, 601L, "PERSON-RAW-0003", 40, "X", "Z", 10));
    Path out = tmp.resolve("spark-parquet");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(out.toString());
    try (Stream<Path> files = Files.list(out)) {
      Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      x.write("T0002/1489/IDS001MPI.parquet", Files.readAllBytes(part));
    }
  }

  @AfterAll
  void restoreCodec() {
    spark.conf().set("spark.sql.parquet.compression.codec", codec);
  }

  private Map<Long, Row> quarantineByLine(IdsTable table) {
    return lake.read(IngestTables.quarantine(table)).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("_line"), r -> r));
  }

  @Test
  void rowsReadEqualAcceptedPlusQuarantinedForEveryTableAndTheTablesHoldThem() {
    // Counted by hand from the fixture above: line numbers per table and the rule each breaks.
    assertThat(result.tables())
        .containsEntry(IdsTable.IDS101Referral, new IngestResult.TableCounts(11, 2, 9))
        .containsEntry(IdsTable.IDS201CareContact, new IngestResult.TableCounts(3, 2, 1))
        .containsEntry(IdsTable.IDS606CodedScoreAssessmentRefer, new IngestResult.TableCounts(1, 1, 0))
        .containsEntry(IdsTable.IDS001MPI, new IngestResult.TableCounts(3, 2, 1))
        .containsEntry(IdsTable.IDS202CareActivity, new IngestResult.TableCounts(0, 0, 0));
    for (IdsTable t : IdsTable.values()) {
      IngestResult.TableCounts c = result.tables().get(t);
      assertThat(c.read()).as(t.name()).isEqualTo(c.accepted() + c.quarantined());
      long bronze = lake.exists(IngestTables.bronze(t)) ? lake.read(IngestTables.bronze(t)).count() : 0;
      long quarantined =
          lake.exists(IngestTables.quarantine(t)) ? lake.read(IngestTables.quarantine(t)).count() : 0;
      assertThat(bronze).as("bronze " + t).isEqualTo(c.accepted());
      assertThat(quarantined).as("quarantine " + t).isEqualTo(c.quarantined());
    }
  }

  @Test
  void eachStructuralRuleQuarantinesItsLineUnderItsRuleId() {
    Map<Long, Row> q = quarantineByLine(IdsTable.IDS101Referral);
    assertThat(q.keySet()).containsExactlyInAnyOrder(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    assertThat(q.get(3L).<String>getAs("rule")).isEqualTo("STRUCT_COLUMN_COUNT");
    assertThat(q.get(4L).<String>getAs("rule")).isEqualTo("STRUCT_KEY_MISSING");
    assertThat(q.get(5L).<String>getAs("rule")).isEqualTo("STRUCT_SUBMISSION_MISSING");
    assertThat(q.get(6L).<String>getAs("rule")).isEqualTo("STRUCT_BAD_INTEGER");
    assertThat(q.get(7L).<String>getAs("rule")).isEqualTo("STRUCT_BAD_DATE");
    assertThat(q.get(8L).<String>getAs("rule")).isEqualTo("STRUCT_BAD_DATE");
    assertThat(q.get(9L).<String>getAs("rule")).isEqualTo("STRUCT_FOLDER_MISMATCH");
    assertThat(q.get(10L).<String>getAs("rule")).isEqualTo("STRUCT_FOLDER_MISMATCH");
    assertThat(q.get(11L).<String>getAs("rule")).isEqualTo("STRUCT_COLUMN_COUNT");
    assertThat(quarantineByLine(IdsTable.IDS201CareContact).get(3L).<String>getAs("rule"))
        .isEqualTo("STRUCT_BAD_TIME");
    assertThat(result.quarantineRules().get(IdsTable.IDS101Referral))
        .containsExactly(
            entry("STRUCT_BAD_DATE", 2L),
            entry("STRUCT_BAD_INTEGER", 1L),
            entry("STRUCT_COLUMN_COUNT", 2L),
            entry("STRUCT_FOLDER_MISMATCH", 2L),
            entry("STRUCT_KEY_MISSING", 1L),
            entry("STRUCT_SUBMISSION_MISSING", 1L));
  }

  @Test
  void messagesNameFileLineColumnAndOffendingValueAndSayHowToFix() {
    Map<Long, Row> q = quarantineByLine(IdsTable.IDS101Referral);
    assertThat(q.get(3L).<String>getAs("message"))
        .startsWith(REFERRALS + " line 3: the line has 6 values but the header has 8 columns; fix the extract");
    assertThat(q.get(4L).<String>getAs("message"))
        .startsWith(REFERRALS + " line 4: key column PathwayID is empty");
    assertThat(q.get(5L).<String>getAs("message")).startsWith(REFERRALS + " line 5: Unique_MonthID is empty");
    assertThat(q.get(6L).<String>getAs("message"))
        .startsWith(REFERRALS + " line 6: UniqueSubmissionID '5O1' is not a whole number; correct it");
    assertThat(q.get(7L).<String>getAs("message"))
        .startsWith(REFERRALS + " line 7: ReferralRequestReceivedDate '2023-02-30' is not a real date written"
            + " yyyy-MM-dd");
    assertThat(q.get(8L).<String>getAs("message"))
        .startsWith(REFERRALS + " line 8: ServDischDate '31/12/2023' is not a real date");
    assertThat(q.get(9L).<String>getAs("message"))
        .startsWith(REFERRALS + " line 9: OrgID_Provider 'T0002' but the file is in the folder of provider T0001");
    assertThat(q.get(10L).<String>getAs("message"))
        .startsWith(REFERRALS + " line 10: Unique_MonthID 1490 but the file is in the folder of month 1489");
    assertThat(q.get(11L).<String>getAs("message"))
        .contains("line 11: the line has a quoted value (value 4) that is not closed on its line");
    assertThat(quarantineByLine(IdsTable.IDS201CareContact).get(3L).<String>getAs("message"))
        .startsWith("T0001/1489/IDS201CareContact.csv line 3: CareContTime '9:30' is not a time written HH:mm");
    q.values().forEach(r -> assertThat(r.<String>getAs("message")).endsWith("the row has been quarantined"));
  }

  @Test
  void quarantinedRowsKeepTheirValuesAsJsonWithIdentifiersPseudonymised() throws Exception {
    Row row = quarantineByLine(IdsTable.IDS101Referral).get(7L);
    Map<?, ?> record = new ObjectMapper().readValue(row.<String>getAs("record"), Map.class);
    Map<String, Object> expected = new java.util.LinkedHashMap<>();
    expected.put("OrgID_Provider", "T0001");
    expected.put("Unique_MonthID", "1489");
    expected.put("UniqueSubmissionID", "501");
    expected.put("PathwayID", PATHWAY_0007);
    expected.put("Person_ID", PERSON_0007);
    expected.put("ReferralRequestReceivedDate", "2023-02-30");
    expected.put("ServDischDate", null);
    expected.put("EndCode", null);
    assertThat(record).isEqualTo(expected);
    assertThat(row.<String>getAs("stage")).isEqualTo("ingest");
    assertThat(row.<String>getAs("_service_id")).isEqualTo("T0001");
    assertThat(row.<Integer>getAs("_month_id")).isEqualTo(1489);
  }

  @Test
  void aLineThatDoesNotSplitIsQuarantinedWithoutARecord() {
    Map<Long, Row> q = quarantineByLine(IdsTable.IDS101Referral);
    assertThat(q.get(3L).<String>getAs("record")).isNull();
    assertThat(q.get(11L).<String>getAs("record")).isNull();
  }

  @Test
  void bronzeRowsKeepDeliveredStringsWithLineageAndPseudonymisedIdentifiers() throws Exception {
    Row first =
        lake.read(IngestTables.bronze(IdsTable.IDS101Referral)).filter(col("_line").equalTo(2)).first();
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(referrals)));
    assertThat(first.<String>getAs("_source_file")).isEqualTo(REFERRALS);
    assertThat(first.<String>getAs("_source_sha256")).isEqualTo(sha);
    assertThat(first.<String>getAs("_service_id")).isEqualTo("T0001");
    assertThat(first.<Integer>getAs("_month_id")).isEqualTo(1489);
    assertThat(first.<String>getAs("_batch_id")).isEqualTo(result.batchId().orElseThrow());
    assertThat(first.<java.sql.Timestamp>getAs("_ingested_at")).isNotNull();
    assertThat(first.<String>getAs("PathwayID")).isEqualTo(PATHWAY_0001);
    assertThat(first.<String>getAs("Person_ID")).isEqualTo(PERSON_0001);
    assertThat(first.<String>getAs("UniqueSubmissionID")).isEqualTo("501");
    assertThat(first.<String>getAs("ReferralRequestReceivedDate")).isEqualTo("2023-04-03");
    assertThat(first.<String>getAs("ServDischDate")).isNull();
    Row quoted =
        lake.read(IngestTables.bronze(IdsTable.IDS101Referral)).filter(col("_line").equalTo(12)).first();
    assertThat(quoted.<String>getAs("PathwayID")).isEqualTo(PATHWAY_0002);
    assertThat(quoted.<String>getAs("Person_ID")).isEqualTo(PERSON_0001);
    assertThat(quoted.<String>getAs("EndCode")).isEqualTo("46");
  }

  @Test
  void therapistIdsArePseudonymisedAndRecordIdsKeptAsDelivered() {
    Row contact =
        lake.read(IngestTables.bronze(IdsTable.IDS201CareContact)).filter(col("_line").equalTo(2)).first();
    assertThat(contact.<String>getAs("CareProfLocalId")).isEqualTo(THERAPIST_01);
    assertThat(contact.<String>getAs("Unique_CareContactID")).isEqualTo("CONTACT-KEPT-01");
  }

  @Test
  void extraColumnsAreKeptEvenWithSpacesInTheirNames() {
    List<String> sources =
        lake.read(IngestTables.bronze(IdsTable.IDS201CareContact)).orderBy("_line").collectAsList().stream()
            .map(r -> String.valueOf(r.<String>getAs("Referral Source")))
            .toList();
    assertThat(sources).containsExactly("GP", "null");
  }

  @Test
  void scoresAreNotCheckedAtIngest() {
    Row score = lake.read(IngestTables.bronze(IdsTable.IDS606CodedScoreAssessmentRefer)).first();
    assertThat(score.<String>getAs("PersScore")).isEqualTo("abc");
  }

  @Test
  void parquetExtractsAreReadAsStringsNumberedLikeTheirCsvLines() {
    List<Row> persons = lake.read(IngestTables.bronze(IdsTable.IDS001MPI)).orderBy("_line").collectAsList();
    assertThat(persons).extracting(r -> r.<Long>getAs("_line")).containsExactly(2L, 3L);
    assertThat(persons).extracting(r -> r.<String>getAs("Age")).containsExactly("34", "27");
    assertThat(persons).extracting(r -> r.<String>getAs("IMD_Decile")).containsExactly("3", null);
    assertThat(persons.get(0).<String>getAs("Person_ID")).isEqualTo(PERSON_0001);
    Row misplaced = quarantineByLine(IdsTable.IDS001MPI).get(4L);
    assertThat(misplaced.<String>getAs("rule")).isEqualTo("STRUCT_FOLDER_MISMATCH");
    assertThat(misplaced.<String>getAs("record")).contains(PERSON_0003);
  }

  @Test
  void deliveredIdentifiersAppearNowhereInTheLakehouse() throws IOException {
    List<String> strings = new ArrayList<>();
    for (String table : List.of("bronze", "quarantine", "meta")) {
      try (Stream<Path> dirs = Files.list(tmp.resolve("lake").resolve(table))) {
        for (Path dir : dirs.toList()) {
          lake.read(table + "." + dir.getFileName()).collectAsList().forEach(r -> strings.add(r.toString()));
        }
      }
    }
    assertThat(strings).isNotEmpty().noneMatch(s -> s.contains("RAW-"));

    // The same at byte level, over every file the lakehouse holds (Parquet data, Delta logs and statistics).
    // Record ids are kept as delivered, so finding one proves the search would find an identifier too.
    StringBuilder everything = new StringBuilder();
    try (Stream<Path> files = Files.walk(tmp.resolve("lake"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        everything.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(everything).contains("CONTACT-KEPT-01").doesNotContain("RAW-");
  }

  @Test
  void metaRecordsEveryFileWithItsCounts() {
    Map<String, Row> meta =
        lake.read(IngestTables.META).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.<String>getAs("file"), r -> r));
    assertThat(meta).containsOnlyKeys(
        REFERRALS, "T0001/1489/IDS201CareContact.csv", "T0001/1489/IDS606CodedScoreAssessmentRefer.csv",
        "T0002/1489/IDS001MPI.parquet");
    Row r = meta.get(REFERRALS);
    assertThat(r.<String>getAs("status")).isEqualTo("INGESTED");
    assertThat(r.<String>getAs("table")).isEqualTo("IDS101Referral");
    assertThat(r.<String>getAs("service_id")).isEqualTo("T0001");
    assertThat(r.<Integer>getAs("month_id")).isEqualTo(1489);
    assertThat(r.<Long>getAs("rows_read")).isEqualTo(11L);
    assertThat(r.<Long>getAs("rows_accepted")).isEqualTo(2L);
    assertThat(r.<Long>getAs("rows_quarantined")).isEqualTo(9L);
    assertThat(r.<String>getAs("reason")).isNull();
    assertThat(r.<String>getAs("batch_id")).isEqualTo(result.batchId().orElseThrow());
  }

  @Test
  void theJsonSummaryHasTheFieldsOfSpecSeven() {
    Map<String, Object> json = result.toJson();
    @SuppressWarnings("unchecked")
    Map<String, Object> files = (Map<String, Object>) json.get("files");
    assertThat(files).containsEntry("read", 4).containsEntry("skipped", 0).containsEntry("refused", List.of());
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> tables = (Map<String, Map<String, Object>>) json.get("tables");
    assertThat(tables.get("IDS101Referral"))
        .containsExactly(entry("read", 11L), entry("accepted", 2L), entry("quarantined", 9L));
    assertThat(tables).hasSize(7);
  }
}
