package uk.nhs.tto.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.analysis.AsOf;
import uk.nhs.tto.analysis.PinnedInputs;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Catalogue;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.TableDigest;
import uk.nhs.tto.pipeline.Purge;
import uk.nhs.tto.testing.GeneratedExtracts;
import uk.nhs.tto.testing.SparkExtension;
import uk.nhs.tto.testing.Trees;

/**
 * Withdrawing a delivered submission: the lakehouse afterwards holds what it would hold had the submission never
 * been delivered; the same bytes are never taken in again; a withdrawal stopped half-way is completed; a purge leaves
 * no file of an earlier version.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WithdrawalTest {

  private static final TableDigest.Options CONTENT =
      TableDigest.Options.exact().ignoring(TableDigest.RUN_COLUMNS);
  private static final String REASON = "sent in error by the provider (ticket 123)";

  private SparkSession spark;
  private Path tmp;
  private Path extracts;
  private Settings settings;
  /** The submission withdrawn: the first service's second month, whose referrals re-submit the first month's. */
  private String submission;

  /** Lake "withdrawn": everything ingested and derived, then the submission withdrawn and derived again. */
  private Lake withdrawn;
  private Withdrawal.Outcome outcome;
  private Withdrawal.Outcome dryRun;
  private Map<String, Long> versionsAfterDryRun;
  private Map<String, Long> versionsBeforeDryRun;
  private Map<String, TableDigest> goldBefore;
  private Map<String, Long> bronzeRowsOfSubmission;
  private Map<String, Long> quarantinedRowsOfSubmission;
  /** Lake "never": the same extracts without the submission, ingested and derived. */
  private Lake never;

  @BeforeAll
  void withdrawOneSubmission(SparkSession spark, @TempDir Path dir) throws IOException {
    this.spark = spark;
    this.tmp = dir;
    extracts = dir.resolve("extracts");
    GeneratedExtracts.generate(
        extracts, b -> b.services(2).months(4).coursesPerServiceYear(100).seed(11).defectFraction(0.02).threads(1));
    String key = ExtractFixture.settingsWithTestKey(dir.resolve("keys")).string(Keys.KEY_FILE);
    settings = GeneratedExtracts.settings(extracts).with(Keys.KEY_FILE, key);
    try (Stream<Path> services = Files.list(extracts)) {
      Path service = services.filter(Files::isDirectory).sorted().findFirst().orElseThrow();
      try (Stream<Path> months = Files.list(service)) {
        Path month = months.sorted().skip(1).findFirst().orElseThrow();
        submission = service.getFileName() + "/" + month.getFileName();
      }
    }

    withdrawn = new Lake(spark, dir.resolve("withdrawn").toString());
    Ingest.run(withdrawn, settings, extracts.toString());
    Derive.run(withdrawn, settings);
    // The purge test starts from a copy of this lake as it is now, ingested and derived: the tables and versions an
    // ingest and derive of its own would make, without a minute spent making them again.
    Trees.copyExcept(dir.resolve("withdrawn"), dir.resolve("purged"), List.of());
    goldBefore = digests(withdrawn, "gold");
    bronzeRowsOfSubmission = rowsOfSubmission(withdrawn, "bronze");
    quarantinedRowsOfSubmission = rowsOfSubmission(withdrawn, "quarantine");
    versionsBeforeDryRun = versions(withdrawn);
    dryRun = Withdrawal.from(withdrawn, settings).run(selection(), REASON, true);
    versionsAfterDryRun = versions(withdrawn);
    outcome = Withdrawal.from(withdrawn, settings).run(selection(), REASON, false);
    Derive.run(withdrawn, settings);

    Path without = dir.resolve("extracts-without");
    Trees.copyExcept(extracts, without, List.of(submission));
    never = new Lake(spark, dir.resolve("never").toString());
    Ingest.run(never, GeneratedExtracts.settings(without).with(Keys.KEY_FILE, key), without.toString());
    Derive.run(never, settings);
  }

  private Withdrawal.Selection selection() {
    return Withdrawal.Selection.parse(null, submission, null, null);
  }

  @Test
  void afterAWithdrawalAndADeriveEveryTableHoldsWhatItWouldHadTheSubmissionNeverBeenDelivered() {
    Map<String, TableDigest> after = TableDigest.ofLake(withdrawn, CONTENT);
    Map<String, TableDigest> expected = TableDigest.ofLake(never, CONTENT);
    after.remove(IngestTables.META);
    expected.remove(IngestTables.META);
    assertThat(TableDigest.differences(after, expected)).isEmpty();
    // The submission mattered: gold was different while it was in.
    assertThat(TableDigest.differences(goldBefore, digests(withdrawn, "gold"))).isNotEmpty();
  }

  @Test
  void theLedgerKeepsEveryWithdrawnFileWithWhenAndWhy() {
    List<Row> rows = withdrawn.read(IngestTables.META)
        .filter("service_id || '/' || month_id = '" + submission + "'")
        .select("status", "reason").collectAsList();
    assertThat(rows).hasSize(outcome.files().size()).isNotEmpty();
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.getString(0)).isEqualTo(Withdrawal.WITHDRAWN);
      assertThat(r.getString(1)).startsWith("withdrawn 20").endsWith(": " + REASON);
    });
    assertThat(withdrawn.read(IngestTables.META).filter("status = 'WITHDRAWN'").count()).isEqualTo(rows.size());
  }

  @Test
  void theRowsRemovedAreTheRowsTheSubmissionHadAndWhatTheLedgerRecordedAsAccepted() {
    Map<String, Long> bronzeRemoved = new TreeMap<>();
    outcome.rowsRemoved().forEach((table, n) -> {
      if (table.startsWith("bronze.") && n > 0) {
        bronzeRemoved.put(table, n);
      }
    });
    assertThat(bronzeRemoved).isEqualTo(bronzeRowsOfSubmission).isNotEmpty();
    assertThat(outcome.rowsRecorded()).isEqualTo(bronzeRowsOfSubmission);
    // The generator's defects put rows of the submission in quarantine too, at ingest and at derive.
    assertThat(quarantinedRowsOfSubmission).isNotEmpty();
    assertThat(outcome.quarantineRowsRemoved())
        .isEqualTo(quarantinedRowsOfSubmission.values().stream().mapToLong(Long::longValue).sum());
    assertThat(rowsOfSubmission(withdrawn, "bronze")).isEmpty();
    assertThat(rowsOfSubmission(withdrawn, "quarantine")).isEmpty();
  }

  @Test
  void aDryRunCountsTheSameRowsAndChangesNoTable() {
    assertThat(versionsAfterDryRun).isEqualTo(versionsBeforeDryRun);
    assertThat(dryRun.dryRun()).isTrue();
    assertThat(dryRun.files()).isEqualTo(outcome.files());
    assertThat(dryRun.rowsRemoved()).isEqualTo(outcome.rowsRemoved());
  }

  @Test
  void withdrawnBytesAreNeverIngestedAgainButACorrectedFileIs() throws IOException {
    Lake lake = new Lake(spark, tmp.resolve("again").toString());
    Path copy = tmp.resolve("extracts-again");
    Trees.copyExcept(extracts, copy, List.of());
    Ingest.run(lake, settings, copy.toString());
    Withdrawal.from(lake, settings).run(selection(), REASON, false);
    Map<String, Long> before = versions(lake);

    IngestResult again = Ingest.run(lake, settings, copy.toString());
    assertThat(again.filesRead()).isZero();
    assertThat(versions(lake)).isEqualTo(before);

    // The provider re-delivers the submission's referrals with one more line: new bytes, ingested as usual.
    Path referrals = copy.resolve(submission).resolve("IDS101Referral.csv");
    List<String> lines = Files.readAllLines(referrals, StandardCharsets.UTF_8);
    Files.writeString(referrals, String.join("\n", lines.subList(0, lines.size() - 1)) + "\n",
        StandardCharsets.UTF_8);
    IngestResult corrected = Ingest.run(lake, settings, copy.toString());
    assertThat(corrected.filesIngested()).isEqualTo(1);
    Map<String, Long> in = new TreeMap<>(rowsOfSubmission(lake, "bronze"));
    rowsOfSubmission(lake, "quarantine").forEach((table, n) -> in.merge(table, n, Long::sum));
    assertThat(in.keySet()).isNotEmpty().isSubsetOf("bronze.ids101referral", "quarantine.ids101referral");
    assertThat(in.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(lines.size() - 2);
  }

  @Test
  void aWithdrawalStoppedAfterItsFirstDeleteIsCompletedByTheNextIngest() throws IOException {
    Lake lake = new Lake(spark, tmp.resolve("stopped").toString());
    Ingest.run(lake, settings, extracts.toString());
    assertThatThrownBy(() -> Withdrawal.from(lake, settings)
            .afterEachDelete(table -> {
              throw new IllegalStateException("killed after " + table);
            })
            .run(selection(), REASON, false))
        .hasMessageStartingWith("killed after");
    assertThat(rowsOfSubmission(lake, "bronze")).isNotEmpty();

    Ingest.run(lake, settings, extracts.toString());
    assertThat(rowsOfSubmission(lake, "bronze")).isEmpty();
    assertThat(rowsOfSubmission(lake, "quarantine")).isEmpty();
    assertThat(lake.read(IngestTables.META).filter("status = 'WITHDRAWN'").count())
        .isEqualTo(outcome.files().size());
    assertThat(Files.list(Path.of(lake.root(), "_ingest", "withdrawals")).count()).isZero();
  }

  @Test
  void aNameThatMatchesNothingWithdrawsNothingAndSaysWhich() {
    Map<String, Long> before = versions(withdrawn);
    Withdrawal.Selection typo = Withdrawal.Selection.parse(null, submission, "T9999", null);
    assertThatThrownBy(() -> Withdrawal.from(withdrawn, settings).run(typo, REASON, false))
        .isInstanceOfSatisfying(TtoException.class, e -> assertThat(e.exitCode()).isEqualTo(TtoException.USAGE))
        .hasMessageContaining("--service T9999")
        .hasMessageContaining("nothing was withdrawn");
    assertThat(versions(withdrawn)).isEqualTo(before);
  }

  @Test
  void aWithdrawalNeedsAReasonAndWellFormedNames() {
    assertThatThrownBy(() -> Withdrawal.from(withdrawn, settings).run(selection(), " ", false))
        .hasMessageContaining("No reason");
    assertThatThrownBy(() -> Withdrawal.from(withdrawn, settings).run(selection(), "asked by 943 476 5919", false))
        .hasMessageContaining("holds an NHS number");
    assertThatThrownBy(() -> Withdrawal.from(withdrawn, settings).run(selection(), "client at LS1 4AP", false))
        .hasMessageContaining("holds a UK postcode");
    assertThatThrownBy(() -> Withdrawal.Selection.parse(null, "T0001-1489", null, null))
        .hasMessageContaining("SERVICE/MONTH");
    assertThatThrownBy(() -> Withdrawal.Selection.parse(null, null, null, "abc"))
        .hasMessageContaining("SHA-256");
    assertThatThrownBy(() -> Withdrawal.Selection.parse(null, null, " ", null))
        .hasMessageContaining("Nothing to withdraw");
  }

  @Test
  void aPurgeLeavesNoFileOfAnEarlierVersionAndTheTablesOfALakeThatNeverHadTheSubmission() throws IOException {
    Lake lake = new Lake(spark, tmp.resolve("purged").toString());
    // Derive replaced its quarantine rows: the files of the version before are still there (the test can fail).
    assertThat(filesOfEarlierVersions(lake)).isNotEmpty();

    Purge.Outcome purged = Purge.run(lake, settings, selection(), REASON, line -> { });

    assertThat(filesOfEarlierVersions(lake)).isEmpty();
    assertThat(purged.derive()).isPresent();
    assertThat(purged.filesRemoved()).isPositive();
    Map<String, TableDigest> after = TableDigest.ofLake(lake, CONTENT);
    Map<String, TableDigest> expected = TableDigest.ofLake(never, CONTENT);
    after.remove(IngestTables.META);
    expected.remove(IngestTables.META);
    assertThat(TableDigest.differences(after, expected)).isEmpty();
    // An analysis of an earlier version is refused with the reason, not failed on a missing file.
    assertThatThrownBy(() -> PinnedInputs.resolve(lake, AsOf.version(0)))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("cannot be read at version 0")
        .hasMessageContaining("scripts/tto withdraw --purge");
  }

  /** Per table of the layer, the rows whose lineage names the withdrawn submission (tables with none left out). */
  private Map<String, Long> rowsOfSubmission(Lake lake, String layer) {
    String[] parts = submission.split("/");
    Map<String, Long> out = new TreeMap<>();
    for (String table : Catalogue.tablesIn(lake, layer)) {
      long n = lake.read(layer + "." + table)
          .filter("_service_id = '" + parts[0] + "' AND _month_id = " + parts[1]).count();
      if (n > 0) {
        out.put(layer + "." + table, n);
      }
    }
    return out;
  }

  /**
   * Data files under the bronze, quarantine, silver and gold tables' folders that their current version does not
   * read: what time travel to an earlier version would read.
   */
  private static List<String> filesOfEarlierVersions(Lake lake) throws IOException {
    List<String> out = new java.util.ArrayList<>();
    for (String layer : Purge.LAYERS) {
      for (String table : Catalogue.tablesIn(lake, layer)) {
        String name = layer + "." + table;
        List<String> current = Stream.of(lake.read(name).inputFiles()).map(f -> Path.of(java.net.URI.create(f))
            .getFileName().toString()).toList();
        try (Stream<Path> files = Files.list(Path.of(lake.path(name)))) {
          files.map(p -> p.getFileName().toString())
              .filter(f -> f.endsWith(".parquet") && !current.contains(f))
              .forEach(f -> out.add(name + "/" + f));
        }
      }
    }
    return out;
  }

  private static Map<String, TableDigest> digests(Lake lake, String layer) {
    Map<String, TableDigest> out = new TreeMap<>();
    for (String table : Catalogue.tablesIn(lake, layer)) {
      out.put(layer + "." + table, TableDigest.of(lake.read(layer + "." + table), CONTENT));
    }
    return out;
  }

  private static Map<String, Long> versions(Lake lake) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String layer : Catalogue.LAYERS) {
      for (String table : Catalogue.tablesIn(lake, layer)) {
        out.put(layer + "." + table, lake.version(layer + "." + table));
      }
    }
    return out;
  }
}
