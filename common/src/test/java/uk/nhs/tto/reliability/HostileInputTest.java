package uk.nhs.tto.reliability;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.substring_index;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.conform.Quarantine;
import uk.nhs.tto.conform.Reconciliation;
import uk.nhs.tto.conform.SilverTables;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.derive.DeriveResult;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.ingest.Ingest;
import uk.nhs.tto.ingest.IngestResult;
import uk.nhs.tto.ingest.IngestTables;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.SparkExtension;

/**
 * The hostile-input corpus ({@code hostile/cases.csv}, one case per defect) goes through ONE ingest and ONE
 * derive beside a clean service: every case must end exactly as its row says (files refused with a named reason,
 * rows quarantined under named rules, the rest accepted), every row read must be accounted for at both steps, and
 * the clean service's silver and gold rows must be exactly those it gets when ingested alone.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

  private static final String SUITE = "Hostile input (every case in one ingest and derive run beside a clean service)";

  private Path extracts;
  private List<HostileCase> cases;
  private Lake lake;
  private Lake alone;
  private IngestResult ingested;
  private DeriveResult derived;
  private Map<String, Observed> observed;

  /** What became of one case's files, read from the lakehouse by the case's top folder. */
  private record Observed(
      List<String> files,
      List<String> refusals,
      Map<String, Long> ingestRules,
      long bronze,
      Map<String, Long> deriveRules,
      long silver) {

    long superseded() {
      return bronze - silver - deriveRules.values().stream().mapToLong(Long::longValue).sum();
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      refusals.forEach(r -> parts.add("refused: \"" + r + "\""));
      ingestRules.forEach((rule, n) -> parts.add(n + " × " + rule));
      deriveRules.forEach((rule, n) -> parts.add(n + " × " + rule));
      if (superseded() != 0) {
        parts.add(superseded() + " superseded");
      }
      if (refusals.isEmpty()) {
        parts.add(silver + " accepted");
      }
      return String.join("; ", parts);
    }
  }

  @BeforeAll
  void ingestAndDeriveTheWholeCorpusOnceAndTheCleanServiceAlone(SparkSession spark, @TempDir Path tmp) {
    extracts = tmp.resolve("extracts");
    cases = HostileCorpus.writeAll(extracts, spark);
    Settings settings = TestLakes.settings(tmp.resolve("all"));
    lake = new Lake(spark, tmp.resolve("all/lake").toString());
    ingested = Ingest.run(lake, settings, extracts.toString());
    derived = Derive.run(lake, settings);

    Path cleanExtracts = tmp.resolve("clean-extracts");
    HostileCorpus.writeClean(cleanExtracts);
    Settings aloneSettings = TestLakes.settings(tmp.resolve("alone"));
    alone = new Lake(spark, tmp.resolve("alone/lake").toString());
    Ingest.run(alone, aloneSettings, cleanExtracts.toString());
    Derive.run(alone, aloneSettings);

    observed = observe();
  }

  @TestFactory
  Stream<DynamicTest> everyCaseEndsAsItsRowInCasesCsvSays() {
    return cases.stream()
        .map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.defect(), () -> {
          Observed o = observed.getOrDefault(c.folder(), new Observed(List.of(), List.of(), Map.of(), 0, Map.of(), 0));
          boolean asExpected =
              o.files().equals(c.extractPaths().stream().sorted().toList())
                  && o.refusals().size() == c.refused()
                  && o.refusals().stream().allMatch(r -> r.contains(c.reason()))
                  && o.ingestRules().equals(c.ingestRules())
                  && o.bronze() == c.bronze()
                  && o.deriveRules().equals(c.deriveRules())
                  && o.silver() == c.silver()
                  && o.superseded() == c.superseded();
          ReliabilityLog.record(SUITE, c.name() + ": " + c.defect(), asExpected, c.expected(), o.describe());

          assertThat(o.files()).as("files recorded in meta.ingested_files").isEqualTo(
              c.extractPaths().stream().sorted().toList());
          assertThat(o.refusals()).as("refusals").hasSize(c.refused())
              .allSatisfy(r -> assertThat(r).contains(c.reason()));
          assertThat(o.ingestRules()).as("quarantined at ingest").isEqualTo(c.ingestRules());
          assertThat(o.bronze()).as("bronze rows").isEqualTo(c.bronze());
          assertThat(o.deriveRules()).as("quarantined at derive").isEqualTo(c.deriveRules());
          assertThat(o.silver()).as("silver rows").isEqualTo(c.silver());
          assertThat(o.superseded()).as("superseded rows").isEqualTo(c.superseded());
        }));
  }

  @Test
  void theCorpusHoldsAtLeastThirtyKindsOfDefectEachInItsOwnFolder() {
    assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
    assertThat(cases.stream().map(HostileCase::folder).distinct()).hasSameSizeAs(cases);
    assertThat(cases.stream().map(HostileCase::folder)).doesNotContain(HostileCorpus.CLEAN);
  }

  @Test
  void theCleanServicesSilverAndGoldRowsAreExactlyAsWhenItIsIngestedAlone() {
    Map<String, Column> cleanRows = new TreeMap<>();
    SilverTables.NAMES.forEach(t -> cleanRows.put(t, col("service_id").equalTo(HostileCorpus.CLEAN)));
    cleanRows.put(Derive.SCORE_PAIRS, col("service_id").equalTo(HostileCorpus.CLEAN));
    cleanRows.put(Derive.COURSES, col("service_id").equalTo(HostileCorpus.CLEAN));
    // Cohort rows count CLEAN's courses only: it is the one service in the cohort file.
    cleanRows.put(Derive.KEY_METRICS,
        col("service_id").equalTo(HostileCorpus.CLEAN).or(col("level").equalTo("cohort")));
    List<String> differing = new ArrayList<>();
    cleanRows.forEach((table, rows) -> {
      List<String> together = sortedRows(lake.read(table).filter(rows));
      List<String> byItself = sortedRows(alone.read(table).filter(rows));
      assertThat(byItself).as(table + " of CLEAN ingested alone").isNotEmpty();
      if (!together.equals(byItself)) {
        differing.add(table);
      }
      assertThat(together).as(table + " of CLEAN beside the corpus").isEqualTo(byItself);
    });
    ReliabilityLog.record(SUITE, "clean service ingested in the same run as every case", differing.isEmpty(),
        "CLEAN's silver and gold rows equal those of CLEAN ingested alone",
        differing.isEmpty() ? "equal in all " + cleanRows.size() + " tables" : "differ in " + differing);
  }

  @Test
  void ingestAccountsForEveryDataLineOfEveryFileItDidNotRefuseExactlyOnce() throws IOException {
    List<String> problems = new ArrayList<>();
    for (IdsTable table : IdsTable.values()) {
      IngestResult.TableCounts counts = ingested.tables().get(table);
      long bronze = count(IngestTables.bronze(table), null);
      long quarantined = count(IngestTables.quarantine(table), col("stage").equalTo(IngestTables.STAGE));
      if (counts.read() != counts.accepted() + counts.quarantined()
          || bronze != counts.accepted()
          || quarantined != counts.quarantined()) {
        problems.add(table + ": read " + counts.read() + ", accepted " + counts.accepted() + " (bronze " + bronze
            + "), quarantined " + counts.quarantined() + " (table " + quarantined + ")");
      }
    }
    // Independently of ingest's counting: the physical lines of each file against the lines bronze and quarantine
    // hold for it.
    Map<String, List<Long>> landed = landedLines();
    List<Row> files =
        lake.read(IngestTables.META).filter(col("status").equalTo("INGESTED")).select("file").collectAsList();
    for (Row r : files) {
      String file = r.getString(0);
      List<Long> expected = dataLines(extracts.resolve(file));
      List<Long> actual = landed.getOrDefault(file, List.of());
      if (!expected.equals(actual)) {
        problems.add(file + ": data lines " + abbreviate(expected) + " but bronze + quarantine hold "
            + abbreviate(actual));
      }
    }
    ReliabilityLog.record(SUITE, "reconciliation at ingest", problems.isEmpty(),
        "per table read = accepted + quarantined; each data line of each accepted file in bronze or quarantine once",
        problems.isEmpty() ? "holds for 7 tables and " + files.size() + " files" : String.join("; ", problems));
    assertThat(problems).isEmpty();
  }

  @Test
  void deriveAccountsForEveryBronzeRowAsAcceptedSupersededOrQuarantined() {
    List<String> problems = new ArrayList<>();
    long superseded = 0;
    for (IdsTable table : IdsTable.values()) {
      Reconciliation r = derived.reconciliations().get(table);
      long bronze = count(IngestTables.bronze(table), null);
      long silver = count(SilverTables.of(table), silverRowsOf(table));
      Map<String, Long> quarantined =
          lake.exists(Quarantine.tableOf(table))
              ? ruleCounts(lake.read(Quarantine.tableOf(table)).filter(col("stage").equalTo(Quarantine.STAGE)))
              : Map.of();
      if (!r.balanced() || r.bronzeRows() != bronze || r.accepted() != silver
          || !r.quarantinedByRule().equals(quarantined)) {
        problems.add(table + ": " + r + " against bronze " + bronze + ", silver " + silver + ", quarantine "
            + quarantined);
      }
      superseded += r.superseded();
    }
    // CLEAN's referral CLP001 of March (1488) is superseded by April's; the cases add theirs.
    long expectedSuperseded = 1 + cases.stream().mapToLong(HostileCase::superseded).sum();
    if (superseded != expectedSuperseded) {
      problems.add("superseded " + superseded + " rows, expected " + expectedSuperseded);
    }
    ReliabilityLog.record(SUITE, "reconciliation at derive", problems.isEmpty(),
        "per table bronze = accepted (silver) + superseded + quarantined (derive)",
        problems.isEmpty() ? "holds for 7 tables; " + superseded + " superseded as expected"
            : String.join("; ", problems));
    assertThat(problems).isEmpty();
    assertThat(derived.balanced()).isTrue();
  }

  @Test
  void acceptedValuesAreKeptAsDeliveredExceptForTrimmingAndPseudonymisation() {
    Dataset<Row> referrals = lake.read(IngestTables.bronze(IdsTable.IDS101Referral));
    Function<String, Row> referral =
        pathway -> referrals.filter(col("PathwayID").equalTo(hmac(pathway))).first();

    assertThat(referral.apply("H07P1").<String>getAs("ReferralSource")).isEqualTo("GP");
    assertThat(referral.apply("H34P1").<String>getAs("Note")).isEqualTo("on hold, \"urgent\"");
    // Padded with spaces and tabs: trimmed before pseudonymising, so the pseudonym is that of the bare value.
    Row padded = referral.apply("H35P1");
    assertThat(padded.<String>getAs("OrgID_Provider")).isEqualTo("H35");
    assertThat(padded.<String>getAs("Person_ID")).isEqualTo(hmac("H35U1"));
    assertThat(padded.<String>getAs("ServDischDate")).isNull();
    assertThat(referral.apply("H35P2")).isNotNull();
    assertThat(referral.apply("H33P1").<String>getAs("EndCode")).isEqualTo("46");
    // Parquet typed values read as the CSV would write them.
    Row parquet = referral.apply("H46P1");
    assertThat(parquet.<String>getAs("Unique_MonthID")).isEqualTo("1489");
    assertThat(parquet.<String>getAs("ReferralRequestReceivedDate")).isEqualTo("2024-03-01");
    assertThat(parquet.<Long>getAs(IngestTables.LINE)).isEqualTo(2L);
    // Blank lines are passed over but still counted: the second row is on physical line 5.
    assertThat(referral.apply("H50P2").<Long>getAs(IngestTables.LINE)).isEqualTo(5L);
  }

  // ---- reading the lakehouse ----------------------------------------------------------------------------------

  private Map<String, Observed> observe() {
    Column folder = substring_index(col(IngestTables.SOURCE_FILE), "/", 1);
    Map<String, Long> bronze = countByFolder(union(IngestTables::bronze, IngestTables.SOURCE_FILE), folder);
    Map<String, Long> silver = countByFolder(union(t -> SilverTables.of(t), IngestTables.SOURCE_FILE), folder);
    Map<String, Map<String, Long>> ingestRules = new TreeMap<>();
    Map<String, Map<String, Long>> deriveRules = new TreeMap<>();
    Dataset<Row> quarantine = union(IngestTables::quarantine, IngestTables.SOURCE_FILE, "stage", "rule");
    for (Row r : quarantine.groupBy(folder.as("folder"), col("stage"), col("rule")).count().collectAsList()) {
      Map<String, Map<String, Long>> byStage = IngestTables.STAGE.equals(r.getString(1)) ? ingestRules : deriveRules;
      byStage.computeIfAbsent(r.getString(0), f -> new TreeMap<>()).put(r.getString(2), r.getLong(3));
    }
    Map<String, List<String>> files = new TreeMap<>();
    Map<String, List<String>> refusals = new TreeMap<>();
    for (Row r : lake.read(IngestTables.META).select("file", "status", "reason").collectAsList()) {
      String top = r.getString(0).split("/")[0];
      files.computeIfAbsent(top, f -> new ArrayList<>()).add(r.getString(0));
      if ("REFUSED".equals(r.getString(1))) {
        refusals.computeIfAbsent(top, f -> new ArrayList<>()).add(r.getString(2));
      }
    }
    Map<String, Observed> out = new TreeMap<>();
    for (String top : files.keySet()) {
      out.put(top, new Observed(
          files.get(top).stream().sorted().toList(),
          refusals.getOrDefault(top, List.of()),
          ingestRules.getOrDefault(top, Map.of()),
          bronze.getOrDefault(top, 0L),
          deriveRules.getOrDefault(top, Map.of()),
          silver.getOrDefault(top, 0L)));
    }
    return out;
  }

  /** The named columns of one table per IDS table (distinct tables only), stacked; absent tables are skipped. */
  private Dataset<Row> union(Function<IdsTable, String> tableOf, String... columns) {
    Dataset<Row> all = null;
    for (String name : Stream.of(IdsTable.values()).map(tableOf).distinct().toList()) {
      if (lake.exists(name)) {
        Dataset<Row> part = lake.read(name).select(Stream.of(columns).map(c -> col(c)).toArray(Column[]::new));
        all = all == null ? part : all.unionByName(part);
      }
    }
    return Objects.requireNonNull(all, "no table of the kind exists");
  }

  private static Map<String, Long> countByFolder(Dataset<Row> rows, Column folder) {
    Map<String, Long> counts = new TreeMap<>();
    rows.groupBy(folder).count().collectAsList().forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    return counts;
  }

  private static Map<String, Long> ruleCounts(Dataset<Row> quarantine) {
    Map<String, Long> counts = new TreeMap<>();
    quarantine.groupBy("rule").count().collectAsList().forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    return counts;
  }

  private long count(String table, Column filter) {
    if (!lake.exists(table)) {
      return 0;
    }
    Dataset<Row> rows = lake.read(table);
    return (filter == null ? rows : rows.filter(filter)).count();
  }

  /** silver.assessments holds both scored-assessment tables; its source column says which. */
  private static Column silverRowsOf(IdsTable table) {
    return switch (table) {
      case IDS606CodedScoreAssessmentRefer -> col("source").equalTo("IDS606");
      case IDS607CodedScoreAssessmentAct -> col("source").equalTo("IDS607");
      default -> null;
    };
  }

  /** Per source file, the sorted line numbers of its rows in bronze and in ingest's quarantine. */
  private Map<String, List<Long>> landedLines() {
    Dataset<Row> bronze = union(IngestTables::bronze, IngestTables.SOURCE_FILE, IngestTables.LINE);
    Dataset<Row> quarantined =
        union(IngestTables::quarantine, IngestTables.SOURCE_FILE, IngestTables.LINE, "stage")
            .filter(col("stage").equalTo(IngestTables.STAGE))
            .drop("stage");
    Map<String, List<Long>> lines = new TreeMap<>();
    for (Row r : bronze.unionByName(quarantined).collectAsList()) {
      lines.computeIfAbsent(r.getString(0), f -> new ArrayList<>()).add(r.getLong(1));
    }
    lines.values().forEach(l -> l.sort(null));
    return lines;
  }

  /**
   * The line numbers (header = 1) of a file's non-blank data lines, counted from its bytes: for a CSV every
   * physical line after the header that holds more than blanks; for Parquet (two rows here) lines 2 and 3.
   */
  private static List<Long> dataLines(Path file) throws IOException {
    if (file.toString().endsWith(".parquet")) {
      return List.of(2L, 3L);
    }
    byte[] bytes = Files.readAllBytes(file);
    List<Long> lines = new ArrayList<>();
    long line = 1;
    boolean blank = true;
    for (int i = 0; i <= bytes.length; i++) {
      boolean end = i == bytes.length;
      if (end || bytes[i] == '\n') {
        if (!blank && line > 1) {
          lines.add(line);
        }
        if (end) {
          break;
        }
        line++;
        blank = true;
      } else if ((bytes[i] & 0xFF) > ' ') {
        blank = false;
      }
    }
    return lines;
  }

  private static String abbreviate(List<Long> lines) {
    return lines.size() <= 10 ? lines.toString() : lines.subList(0, 10) + "… (" + lines.size() + ")";
  }

  private static List<String> sortedRows(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** HMAC-SHA256 of a delivered identifier under the test key, computed here rather than by the pipeline. */
  private static String hmac(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(TestLakes.KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
