package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.SparkExtension;

/**
 * A run killed between its results commits leaves rows under a run id that results.runs does not name; the next
 * analyse removes them, under the analyse lock, before it writes its own — so a lakehouse whose analyse was killed
 * and re-run ends with the same results tables as one that was never interrupted.
 */
@ExtendWith(SparkExtension.class)
class UnrecordedRunsTest {

  @Test
  void removesFromEveryResultsTableTheRowsOfRunsThatResultsRunsDoesNotName(SparkSession spark, @TempDir Path dir) {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    lake.append(RunsTable.NAME, spark.sql("SELECT 'A' AS run_id"));
    lake.append(DidTable.NAME, spark.sql("SELECT * FROM VALUES ('A', 1), ('A', 2), ('K1', 3), ('K1', 4), ('K2', 5)"
        + " AS t(run_id, x)"));
    lake.append("results.subgroups", spark.sql("SELECT * FROM VALUES ('A', 1), ('K1', 2) AS t(run_id, y)"));
    lake.append("results.service_variation", spark.sql("SELECT 'A' AS run_id, 1 AS z"));
    long untouched = lake.version("results.service_variation");

    List<UnrecordedRuns.Removed> removed = UnrecordedRuns.remove(lake);

    assertThat(removed).containsExactlyInAnyOrder(
        new UnrecordedRuns.Removed(DidTable.NAME, Set.of("K1", "K2"), 3),
        new UnrecordedRuns.Removed("results.subgroups", Set.of("K1"), 1));
    assertThat(ids(lake.read(DidTable.NAME))).containsExactly("A", "A");
    assertThat(ids(lake.read("results.subgroups"))).containsExactly("A");
    assertThat(ids(lake.read(RunsTable.NAME))).containsExactly("A");
    assertThat(lake.version("results.service_variation")).as("a table with nothing to remove gets no commit")
        .isEqualTo(untouched);
    assertThat(UnrecordedRuns.remove(lake)).as("nothing left the second time").isEmpty();
  }

  @Test
  void beforeAnyRunIsRecordedEveryResultRowIsUnrecorded(SparkSession spark, @TempDir Path dir) {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    lake.append(DidTable.NAME, spark.sql("SELECT 'K' AS run_id, 1 AS x"));

    assertThat(UnrecordedRuns.remove(lake)).containsExactly(new UnrecordedRuns.Removed(DidTable.NAME, Set.of("K"), 1));
    assertThat(lake.read(DidTable.NAME).count()).isZero();
  }

  @Test
  void anAnalyseRunClearsAKilledRunsRowsAndLeavesTheRecordedRunsWhole(SparkSession spark, @TempDir Path dir) {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    Settings settings = Settings.defaults().with(Keys.LAKE, lake.root());
    new GoldFixtures.Simulation().services(4, 2).clients(60, 60).generate(3).write(lake);
    AnalysisResult first = CohortAnalysis.run(lake, settings, AsOf.latest(), "analyse");
    // What a run killed after its results.did commit leaves: its marker, its rows, and no results.runs row.
    UnrecordedRuns.begin(lake, "killed-run");
    lake.append(DidTable.NAME, lake.read(DidTable.NAME).where(col("run_id").equalTo(first.runId()))
        .withColumn("run_id", lit("killed-run")));

    AnalysisResult second = CohortAnalysis.run(lake, settings, AsOf.latest(), "analyse");

    assertThat(second.cleared()).containsExactly(new UnrecordedRuns.Removed(DidTable.NAME, Set.of("killed-run"), 4));
    assertThat(ids(lake.read(DidTable.NAME))).containsOnly(first.runId(), second.runId()).hasSize(8);
    assertThat(markers(dir)).as("runs that ended leave no marker").containsExactly(UnrecordedRuns.KEPT);
  }

  @Test
  void aLakehouseWithoutMarkersIsScannedOnceThenOnlyMarkedRunsAreLookedFor(SparkSession spark, @TempDir Path dir) {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    lake.append(RunsTable.NAME, spark.sql("SELECT 'A' AS run_id"));
    lake.append(DidTable.NAME, spark.sql("SELECT * FROM VALUES ('A', 1), ('OLD', 2) AS t(run_id, x)"));

    assertThat(UnrecordedRuns.remove(lake)).as("written before markers were kept: found by scanning")
        .containsExactly(new UnrecordedRuns.Removed(DidTable.NAME, Set.of("OLD"), 1));
    assertThat(markers(dir)).containsExactly(UnrecordedRuns.KEPT);

    // From now on every analyse marks its run before its first results commit, so rows under a run id with no
    // marker are not looked for: the results tables are not read at all.
    lake.append(DidTable.NAME, spark.sql("SELECT 'UNMARKED' AS run_id, 3 AS x"));
    UnrecordedRuns.begin(lake, "KILLED");
    lake.append(DidTable.NAME, spark.sql("SELECT 'KILLED' AS run_id, 4 AS x"));
    lake.append("results.subgroups", spark.sql("SELECT 'KILLED' AS run_id, 5 AS y"));

    assertThat(UnrecordedRuns.remove(lake)).containsExactlyInAnyOrder(
        new UnrecordedRuns.Removed(DidTable.NAME, Set.of("KILLED"), 1),
        new UnrecordedRuns.Removed("results.subgroups", Set.of("KILLED"), 1));
    assertThat(ids(lake.read(DidTable.NAME))).containsExactlyInAnyOrder("A", "UNMARKED");
    assertThat(markers(dir)).containsExactly(UnrecordedRuns.KEPT);
  }

  @Test
  void aMarkerLeftByARunKilledAfterItWasRecordedIsDroppedAndNothingDeleted(SparkSession spark, @TempDir Path dir) {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    assertThat(UnrecordedRuns.remove(lake)).isEmpty(); // a new lakehouse: nothing to scan, markers kept from now
    UnrecordedRuns.begin(lake, "R");
    lake.append(DidTable.NAME, spark.sql("SELECT 'R' AS run_id, 1 AS x"));
    lake.append(RunsTable.NAME, spark.sql("SELECT 'R' AS run_id"));
    long version = lake.version(DidTable.NAME);

    assertThat(UnrecordedRuns.remove(lake)).isEmpty();
    assertThat(lake.version(DidTable.NAME)).isEqualTo(version);
    assertThat(markers(dir)).containsExactly(UnrecordedRuns.KEPT);
  }

  @Test
  void aResultsTableWhoseFirstCommitWasKilledHasNothingToRemove(SparkSession spark, @TempDir Path dir)
      throws java.io.IOException {
    // A run killed while it created results.did: the table's log folder exists, with no version in it.
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    assertThat(UnrecordedRuns.remove(lake)).isEmpty();
    UnrecordedRuns.begin(lake, "K");
    java.nio.file.Files.createDirectories(dir.resolve("lake/results/did/_delta_log"));

    assertThat(UnrecordedRuns.remove(lake)).isEmpty();
    assertThat(markers(dir)).containsExactly(UnrecordedRuns.KEPT);
    lake.append(DidTable.NAME, spark.sql("SELECT 'NEXT' AS run_id, 1 AS x"));
    assertThat(ids(lake.read(DidTable.NAME))).containsExactly("NEXT");
  }

  /** The files in the lakehouse's run-marker folder. */
  private static List<String> markers(Path dir) {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir.resolve("lake")
        .resolve(UnrecordedRuns.MARKERS))) {
      return files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anAnalyseWaitsForTheOneWritingResultsAndGivesUpWithExitCodeLocked(SparkSession spark, @TempDir Path dir) {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    Settings settings = Settings.defaults().with(Keys.LAKE, lake.root()).with(Keys.ANALYSE_LOCK_WAIT, "1");
    new GoldFixtures.Simulation().services(4, 2).clients(60, 60).generate(3).write(lake);

    try (LakeLock writing = LakeLock.acquire(lake.root(), new Configuration(), LakeLock.ANALYSE, Duration.ZERO,
        line -> { })) {
      assertThatThrownBy(() -> CohortAnalysis.run(lake, settings, AsOf.latest(), "analyse"))
          .isInstanceOfSatisfying(TtoException.class, e -> assertThat(e.exitCode()).isEqualTo(TtoException.LOCKED))
          .hasMessageContaining("Another analyse is still running")
          .hasMessageContaining(Keys.ANALYSE_LOCK_WAIT);
    }
    assertThat(lake.exists(DidTable.NAME)).as("the run that gave up wrote nothing").isFalse();
  }

  private static List<String> ids(Dataset<Row> rows) {
    return rows.select("run_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }
}
