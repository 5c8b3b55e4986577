package uk.nhs.tto.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.analysis.AsOf;
import uk.nhs.tto.analysis.CohortAnalysis;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.ingest.Ingest;
import uk.nhs.tto.ingest.Withdrawal;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;
import uk.nhs.tto.testing.GeneratedExtracts;
import uk.nhs.tto.testing.KeyFiles;
import uk.nhs.tto.testing.SparkExtension;
import uk.nhs.tto.testing.Trees;

/**
 * {@code scripts/tto status} on a lakehouse whose deliveries were made incomplete on purpose: T0002 skipped its
 * third month, T0003 has not sent its fifth, and T0001's third month has an empty (refused) presenting-complaints
 * file. Its stages are read as the pipeline moves on: ingested, derived, analysed, one submission withdrawn.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LakeStatusTest {

  private Path tmp;
  private Settings settings;
  private Lake lake;
  /** The five months' ids, from the generated folders. */
  private int[] month;

  private LakeStatus ingested;
  private LakeStatus derived;
  private LakeStatus analysed;
  private LakeStatus withdrawn;

  @BeforeAll
  void moveThePipelineOnAndReadTheStatusAtEachStep(SparkSession spark, @TempDir Path dir) throws IOException {
    tmp = dir;
    Path all = dir.resolve("extracts");
    GeneratedExtracts.generate(all, b -> b.services(3).months(5).coursesPerServiceYear(60).seed(3).threads(1));
    try (Stream<Path> months = Files.list(all.resolve("T0001"))) {
      month = months.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).sorted().toArray();
    }
    assertThat(month).hasSize(5);
    Path delivered = dir.resolve("delivered");
    Trees.copyExcept(all, delivered, List.of("T0002/" + month[2], "T0003/" + month[4]));
    Files.write(delivered.resolve("T0001/" + month[2] + "/IDS603PresentingComplaints.csv"), new byte[0]);

    Path key = KeyFiles.ownerOnly(dir.resolve("keys/test.key"), "lake-status-test-key-0123456789abcdef");
    settings = GeneratedExtracts.settings(all).with(Keys.KEY_FILE, key.toString())
        .with(Keys.REPORTS, dir.resolve("reports").toString());
    lake = new Lake(spark, dir.resolve("lake").toString());

    Ingest.run(lake, settings, delivered.toString());
    ingested = LakeStatus.of(lake, settings);
    Derive.run(lake, settings);
    derived = LakeStatus.of(lake, settings);
    CohortAnalysis.run(lake, settings, AsOf.latest(), "test");
    analysed = LakeStatus.of(lake, settings);
    Withdrawal.from(lake, settings).run(
        Withdrawal.Selection.parse(null, "T0001/" + month[3], null, null), "sent in error (test)", false);
    withdrawn = LakeStatus.of(lake, settings);
  }

  @Test
  void eachServiceShowsItsMonthsGapsMissingTablesAndRefusedFiles() {
    Map<String, LakeStatus.Service> s = byService(ingested);
    assertThat(s).containsOnlyKeys("T0001", "T0002", "T0003");

    assertThat(s.get("T0001").months()).containsExactly(month[0], month[1], month[2], month[3], month[4]);
    assertThat(s.get("T0001").lacking()).isEqualTo(Map.of(month[2], List.of("IDS603PresentingComplaints")));
    assertThat(s.get("T0001").filesRefused()).isEqualTo(1);
    assertThat(s.get("T0001").filesIngested()).isEqualTo(5 * 7 - 1);
    assertThat(s.get("T0001").gaps()).isEmpty();

    assertThat(s.get("T0002").gaps()).containsExactly(month[2]);
    assertThat(s.get("T0002").filesIngested()).isEqualTo(4 * 7);
    assertThat(s.get("T0002").behind(month[4])).isZero();

    assertThat(s.get("T0003").months().last()).isEqualTo(month[3]);
    assertThat(s.get("T0003").behind(month[4])).isEqualTo(1);
    assertThat(s.get("T0003").complete(month[4])).isFalse();
    assertThat(ingested.latestMonth()).contains(month[4]);

    assertThat(ingested.deliveries().summary())
        .isEqualTo("3 of 3 services need a look (T0001, T0002, T0003; scripts/tto status)");
    String text = ingested.describe();
    assertThat(text).contains("deliveries: 3 services, months " + LakeStatus.month(month[0]) + " to "
        + LakeStatus.month(month[4]) + "; 90 files ingested, 1 refused, 0 withdrawn");
    assertThat(text).contains("T0001 " + LakeStatus.month(month[0]) + " to " + LakeStatus.month(month[4]) + ": "
        + LakeStatus.month(month[2]) + " lacks IDS603PresentingComplaints; 1 file(s) refused");
    assertThat(text).contains("T0002 " + LakeStatus.month(month[0]) + " to " + LakeStatus.month(month[4])
        + ": missing " + LakeStatus.month(month[2]));
    assertThat(text).contains("T0003 " + LakeStatus.month(month[0]) + " to " + LakeStatus.month(month[3])
        + ": last month " + LakeStatus.month(month[3]) + ", 1 behind");
  }

  @Test
  void aConsoleOrALogShowsTwentyServicesAndSaysHowManyMoreThereAre() {
    // 23 services that each sent month 1477 only, and one that also sent 1478: 23 are a month behind.
    List<LakeStatus.Service> services = new ArrayList<>();
    for (int i = 1; i <= 24; i++) {
      TreeSet<Integer> months = new TreeSet<>(i == 24 ? List.of(1477, 1478) : List.of(1477));
      services.add(new LakeStatus.Service(String.format("S%02d", i), months, List.of(), Map.of(), 7, 0, 0));
    }
    LakeStatus.Deliveries deliveries = new LakeStatus.Deliveries(services, null);

    List<String> shown = deliveries.shownLines("see the JSON");

    assertThat(deliveries.lines()).hasSize(23);
    assertThat(shown).hasSize(21);
    assertThat(shown.get(0)).isEqualTo("S01 2023-04 (1477): last month 2023-04 (1477), 1 behind");
    assertThat(shown.get(20)).isEqualTo("… and 3 more (see the JSON)");
    assertThat(deliveries.summary()).isEqualTo("23 of 24 services need a look (S01, S02, S03, S04, S05, …;"
        + " scripts/tto status)");
  }

  @Test
  void theStagesAreWhatANightlyRunWouldBringUpToDate() {
    assertThat(ingested.gold().state()).isEqualTo("not run");
    assertThat(ingested.results().state()).isEqualTo("not run");
    assertThat(ingested.nextNightly()).containsExactly("derive", "analyse", "report");

    assertThat(derived.gold().upToDate()).isTrue();
    assertThat(derived.gold().detail()).startsWith("derived from bronze ids001mpi@0, ids101referral@0");
    assertThat(derived.nextNightly()).containsExactly("analyse", "report");

    assertThat(analysed.results().upToDate()).isTrue();
    assertThat(analysed.results().detail()).endsWith("read the gold tables as they are");
    assertThat(analysed.report().state()).isEqualTo("out of date");
    assertThat(analysed.report().detail()).contains("scripts/tto report --run ");
    assertThat(analysed.nextNightly()).containsExactly("report");
    assertThat(analysed.describe()).contains("next nightly: ingest new files, then report");
  }

  @Test
  void aWithdrawalLeavesAGapAndPutsGoldAndResultsOutOfDate() {
    LakeStatus.Service t1 = byService(withdrawn).get("T0001");
    assertThat(t1.gaps()).containsExactly(month[3]);
    assertThat(t1.filesWithdrawn()).isEqualTo(7);
    assertThat(t1.filesIngested()).isEqualTo(4 * 7 - 1);

    assertThat(withdrawn.gold().state()).isEqualTo("out of date");
    // Each bronze table's rows of the submission were deleted in one commit: version 0 (ingest) → 1.
    assertThat(withdrawn.gold().detail())
        .startsWith("bronze changed since gold was derived: bronze.ids001mpi 0 → 1, bronze.ids101referral 0 → 1")
        .endsWith("; scripts/tto derive");
    // The results still match gold, but a derive writes new gold versions, so a nightly would analyse again too.
    assertThat(withdrawn.nextNightly()).containsExactly("derive", "analyse", "report");
  }

  @Test
  void locksHeldByAnotherProcessOrThisOneAreShownWithoutBeingTaken() throws Exception {
    Path lakeDir = tmp.resolve("lake");
    Process holder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            HoldLock.class.getName(), lakeDir.toString(), "60")
        .redirectErrorStream(true)
        .start();
    try (LakeLock derive = LakeLock.acquire(lakeDir.toString(), new Configuration(), LakeLock.DERIVE,
        Duration.ZERO, line -> { })) {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).startsWith("locked");

      Map<String, LakeLock.State> locks = locks(LakeStatus.of(lake, settings));

      assertThat(locks.get("nightly").held()).isTrue();
      assertThat(locks.get("nightly").holder()).startsWith(holder.pid() + "@");
      assertThat(locks.get("derive").held()).isTrue();
      assertThat(locks.get("derive").holder()).isEqualTo("this process");
      assertThat(locks.get("ingest").held()).as("taken and released by ingest").isFalse();
      assertThat(locks.get("analyse").held()).isFalse();
    } finally {
      holder.destroyForcibly().waitFor();
    }
    Map<String, LakeLock.State> after = locks(LakeStatus.of(lake, settings));
    assertThat(after.get("nightly").held()).as("the kernel released it with its process").isFalse();
    assertThat(after.get("derive").held()).isFalse();
  }

  @Test
  void aFolderWithoutALakehouseIsAnErrorThatSaysSo(SparkSession spark) {
    assertThatThrownBy(() -> LakeStatus.of(new Lake(spark, tmp.resolve("nothing").toString()), settings))
        .isInstanceOfSatisfying(TtoException.class, e -> assertThat(e.exitCode()).isEqualTo(TtoException.USAGE))
        .hasMessageContaining("No lakehouse at")
        .hasMessageContaining("check --lake");
  }

  private static Map<String, LakeStatus.Service> byService(LakeStatus status) {
    Map<String, LakeStatus.Service> out = new TreeMap<>();
    status.services().forEach(s -> out.put(s.service(), s));
    return out;
  }

  private static Map<String, LakeLock.State> locks(LakeStatus status) {
    Map<String, LakeLock.State> out = new TreeMap<>();
    status.locks().forEach(l -> out.put(l.kind().name(), l));
    return out;
  }
}
