package uk.nhs.tto.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uk.nhs.tto.analysis.CohortAnalysisRunTest.SMALL;
import static uk.nhs.tto.analysis.CohortAnalysisRunTest.withoutRunId;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.SparkExtension;

/** Re-running an analysis on older gold versions (Delta time travel) reproduces the earlier run exactly. */
@ExtendWith(SparkExtension.class)
class TimeTravelTest {

  @Test
  void asOfVersionAndAsOfRunReproduceAnEarlierRunExactlyAfterTheGoldTablesChange(
      SparkSession spark, @TempDir Path dir) {
    Lake lake = new Lake(spark, dir.toString());
    Settings settings = Settings.defaults().with(Keys.LAKE, lake.root());
    SMALL.generate(1).write(lake);
    AnalysisResult original = CohortAnalysis.run(lake, settings, AsOf.latest(), "analyse");
    List<DomainResult> expected = withoutRunId(DidTable.read(lake, original.runId()));

    // A later derive run rewrites both gold tables with other data, which gives other results.
    GoldFixtures.Tables changed = SMALL.generate(2);
    changed.write(lake);
    List<DomainResult> now =
        CohortAnalysis.analyse(changed.courses(spark), changed.pairs(spark), AnalysisConfig.defaults(), "").domains();
    assertThat(now).isNotEqualTo(expected);

    AnalysisResult byVersion = CohortAnalysis.run(lake, settings, AsOf.version(0), "analyse --as-of-version 0");
    AnalysisResult byRun = CohortAnalysis.run(lake, settings, AsOf.run(original.runId()), "analyse --as-of-run");

    assertThat(withoutRunId(DidTable.read(lake, byVersion.runId()))).isEqualTo(expected);
    assertThat(withoutRunId(DidTable.read(lake, byRun.runId()))).isEqualTo(expected);
    assertThat(byVersion.run().inputVersions()).isEqualTo(original.run().inputVersions());
    assertThat(RunsTable.require(lake, byVersion.runId()).asOf()).isEqualTo("version 0");
    assertThat(RunsTable.require(lake, byRun.runId()).asOf()).isEqualTo("run " + original.runId());
  }

  @Test
  void asOfVersionRefusesANumberThatNamesDifferentDeriveRunsInTheTwoGoldTables(
      SparkSession spark, @TempDir Path dir) {
    Lake lake = new Lake(spark, dir.toString());
    SMALL.generate(1).write(lake);
    // Only gold.courses is rewritten, as by a derive run killed half way.
    lake.overwrite("gold.courses", SMALL.generate(2).courses(spark));

    assertThatThrownBy(() -> PinnedInputs.resolve(lake, AsOf.version(0)))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("gold.courses is at version 1 but gold.score_pairs at 0")
        .hasMessageContaining("--as-of-timestamp");
  }

  @Test
  void asOfTimestampPinsEachTableToItsVersionAtThatTime(SparkSession spark, @TempDir Path dir) throws Exception {
    Lake lake = new Lake(spark, dir.toString());
    SMALL.generate(1).write(lake);
    java.time.Instant between = PinnedInputs.history(lake, PinnedInputs.SCORE_PAIRS).lastEntry().getValue();
    Thread.sleep(1100);
    SMALL.generate(2).write(lake);

    PinnedInputs pinned = PinnedInputs.resolve(lake, AsOf.timestamp(between.toString()));

    assertThat(pinned.versions()).containsEntry("gold.courses", 0L).containsEntry("gold.score_pairs", 0L);
    assertThatThrownBy(() -> PinnedInputs.resolve(lake, AsOf.timestamp("2001-01-01")))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("has no version at or before 2001-01-01");
  }
}
