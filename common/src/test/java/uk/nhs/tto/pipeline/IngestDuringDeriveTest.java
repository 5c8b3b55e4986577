package uk.nhs.tto.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.conform.BronzeVersions;
import uk.nhs.tto.conform.SilverTables;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.derive.DeriveResult;
import uk.nhs.tto.ingest.Ingest;
import uk.nhs.tto.ingest.IngestResult;
import uk.nhs.tto.lake.Catalogue;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.TableDigest;
import uk.nhs.tto.testing.GeneratedExtracts;
import uk.nhs.tto.testing.KeyFiles;
import uk.nhs.tto.testing.SparkExtension;
import uk.nhs.tto.testing.Trees;

/**
 * Ingest holds the ingest lock and derive the derive lock, so a manual ingest (or a withdrawal) can commit to bronze
 * while a derive runs. The derive then reads bronze as it was when it started, and nightly finds gold out of date
 * (and derives again), however early in the derive the new rows were committed.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestDuringDeriveTest {

  private static final TableDigest.Options CONTENT =
      TableDigest.Options.exact().ignoring(TableDigest.RUN_COLUMNS);

  private Path all;
  private Settings settings;
  /** Lake "raced": the first months ingested; the last month of every service ingested once derive has started. */
  private Lake raced;
  private DeriveResult racedDerive;
  /** What the raced derive left (captured at once: the last test derives the raced lake again). */
  private Map<String, TableDigest> racedTables;
  private Map<String, Optional<BronzeVersions>> racedRecorded;
  private String racedCoursesMetadata;
  private IngestResult duringDerive;
  private BronzeVersions bronzeBeforeTheLastMonth;
  /** Lake "first": the first months only, ingested and derived. */
  private Lake first;
  private DeriveResult firstDerive;

  @BeforeAll
  void ingestTheLastMonthWhileDeriveRuns(SparkSession spark, @TempDir Path dir) throws IOException {
    all = dir.resolve("extracts");
    GeneratedExtracts.generate(
        all, b -> b.services(2).months(4).coursesPerServiceYear(100).seed(23).defectFraction(0.02).threads(1));
    Path key = KeyFiles.ownerOnly(dir.resolve("keys/test.key"), "ingest-during-derive-test-key-0123456789");
    settings = GeneratedExtracts.settings(all).with(Keys.KEY_FILE, key.toString());
    Path firstMonths = dir.resolve("extracts-first-months");
    Trees.copyExcept(all, firstMonths, lastMonthOfEachService(all));

    raced = new Lake(spark, dir.resolve("raced").toString());
    Ingest.run(raced, settings, firstMonths.toString());
    bronzeBeforeTheLastMonth = BronzeVersions.current(raced);
    List<IngestResult> during = new ArrayList<>();
    racedDerive = Derive.run(raced, settings, line -> {
      if (line.startsWith("derive reads bronze as of")) {
        during.add(Ingest.run(raced, settings, all.toString()));
      }
    });
    duringDerive = during.get(0);
    racedTables = derived(raced);
    racedRecorded = new TreeMap<>();
    List<String> tables = new ArrayList<>(SilverTables.NAMES);
    tables.addAll(List.of(Derive.SCORE_PAIRS, Derive.COURSES, Derive.KEY_METRICS));
    for (String table : tables) {
      racedRecorded.put(table, BronzeVersions.recordedIn(raced, table));
    }
    racedCoursesMetadata = raced.lastDataCommitMetadata(Derive.COURSES).orElse(null);

    first = new Lake(spark, dir.resolve("first").toString());
    Ingest.run(first, settings, firstMonths.toString());
    firstDerive = Derive.run(first, settings);
  }

  @Test
  void aDeriveReadsBronzeAsItWasWhenTheDeriveStarted() {
    assertThat(duringDerive.filesIngested()).as("the last months were ingested during the derive").isPositive();
    assertThat(duringDerive.tables().values()).anySatisfy(t -> assertThat(t.accepted()).isPositive());

    assertThat(racedDerive.bronze()).isEqualTo(bronzeBeforeTheLastMonth);
    assertThat(TableDigest.differences(racedTables, derived(first))).isEmpty();
    assertThat(racedDerive.reconciliations()).isEqualTo(firstDerive.reconciliations());
    assertThat(racedDerive.balanced()).isTrue();
    assertThat(racedDerive.tableRows()).isEqualTo(firstDerive.tableRows());
  }

  @Test
  void everySilverAndGoldCommitRecordsTheBronzeVersionsItWasDerivedFrom() {
    assertThat(racedRecorded).hasSize(SilverTables.NAMES.size() + 3);
    racedRecorded.forEach((table, recorded) -> assertThat(recorded).as(table).contains(bronzeBeforeTheLastMonth));
    long persons = bronzeBeforeTheLastMonth.versions().get("bronze.ids001mpi");
    assertThat(racedCoursesMetadata)
        .startsWith("{\"derived_from\":{\"bronze.ids001mpi\":" + persons + ",");
  }

  @Test
  void nightlyFindsGoldOutOfDateAndTheNextDeriveReadsEveryMonth() {
    // Gold's commits are later than the last month's bronze commits, yet gold does not hold that month.
    assertThat(TableDigest.differences(derived(raced), racedTables)).as("as the raced derive left it").isEmpty();
    assertThat(Nightly.goldUpToDate(raced)).isFalse();
    assertThat(Nightly.goldUpToDate(first)).isTrue();

    DeriveResult again = Derive.run(raced, settings);

    assertThat(Nightly.goldUpToDate(raced)).isTrue();
    assertThat(again.bronze()).isEqualTo(BronzeVersions.current(raced)).isNotEqualTo(bronzeBeforeTheLastMonth);
    again.reconciliations().forEach((table, r) -> assertThat(r.bronzeRows()).as(table.tableName())
        .isEqualTo(raced.read(BronzeVersions.nameOf(table)).count()));
    assertThat(again.tableRows().get(Derive.COURSES)).isGreaterThan(racedDerive.tableRows().get(Derive.COURSES));
  }

  /** Every table derive replaces, and the quarantine rows derive wrote. */
  private static Map<String, TableDigest> derived(Lake lake) {
    Map<String, TableDigest> out = new TreeMap<>();
    for (String layer : List.of("silver", "gold")) {
      for (String t : Catalogue.tablesIn(lake, layer)) {
        out.put(layer + "." + t, TableDigest.of(lake.read(layer + "." + t), CONTENT));
      }
    }
    for (String t : Catalogue.tablesIn(lake, "quarantine")) {
      out.put("quarantine." + t + " (derive)",
          TableDigest.of(lake.read("quarantine." + t).where("stage = 'derive'"), CONTENT));
    }
    return out;
  }

  private static List<String> lastMonthOfEachService(Path extracts) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> services = Files.list(extracts)) {
      for (Path service : services.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> months = Files.list(service)) {
          Path last = months.filter(Files::isDirectory).sorted().reduce((a, b) -> b).orElseThrow();
          out.add(service.getFileName() + "/" + last.getFileName());
        }
      }
    }
    return out;
  }
}
