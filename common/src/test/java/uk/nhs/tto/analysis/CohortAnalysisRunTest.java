package uk.nhs.tto.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.SparkExtension;

/**
 * A run reads pinned gold versions and writes its results atomically with its provenance. One lake with one
 * earlier run serves every test (runs cost seconds); tests that change the gold tables are in {@link TimeTravelTest}.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CohortAnalysisRunTest {

  static final GoldFixtures.Simulation SMALL =
      new GoldFixtures.Simulation().services(6, 3).clients(180, 170).distractors(20);

  private Lake lake;
  private Settings settings;
  private AnalysisResult first;

  @BeforeAll
  void lakeWithOneRun(SparkSession spark, @TempDir Path dir) {
    lake = new Lake(spark, dir.resolve("lake").toString());
    settings = Settings.defaults().with(Keys.LAKE, lake.root());
    SMALL.generate(1).write(lake);
    StructType quarantine =
        DataTypes.createStructType(
            List.of(
                DataTypes.createStructField("_source_file", DataTypes.StringType, true),
                DataTypes.createStructField("stage", DataTypes.StringType, true),
                DataTypes.createStructField("rule", DataTypes.StringType, true)));
    lake.append(
        "quarantine.ids201carecontact",
        spark.createDataFrame(
            List.of(
                RowFactory.create("a.csv", "ingest", "STRUCT_BAD_DATE"),
                RowFactory.create("a.csv", "ingest", "STRUCT_BAD_DATE"),
                RowFactory.create("a.csv", "derive", "ROW_ORPHAN")),
            quarantine));
    first = CohortAnalysis.run(lake, settings, AsOf.latest(), "analyse --lake x");
  }

  @Test
  void rerunningOnUnchangedTablesAddsOneCommitPerResultsTableWithIdenticalRowsApartFromRunId() {
    long didBefore = lake.version(DidTable.NAME);
    long runsBefore = lake.version(RunsTable.NAME);

    AnalysisResult second = CohortAnalysis.run(lake, settings, AsOf.latest(), "analyse");

    assertThat(second.runId()).isNotEqualTo(first.runId());
    assertThat(withoutRunId(DidTable.read(lake, second.runId())))
        .isEqualTo(withoutRunId(DidTable.read(lake, first.runId())))
        .hasSize(4);
    assertThat(second.run().inputVersions()).isEqualTo(first.run().inputVersions());
    assertThat(lake.version(DidTable.NAME)).isEqualTo(didBefore + 1);
    assertThat(lake.version(RunsTable.NAME)).isEqualTo(runsBefore + 1);
    Instant didCommit = PinnedInputs.history(lake, DidTable.NAME).lastEntry().getValue();
    Instant runsCommit = PinnedInputs.history(lake, RunsTable.NAME).lastEntry().getValue();
    assertThat(runsCommit).as("results.runs is written last").isAfterOrEqualTo(didCommit);
    assertThat(RunsTable.latest(lake)).contains(second.runId());
  }

  @Test
  void theRunRecordsInputVersionsConfigurationWithItsHashCodeVersionAndCommandLine() {
    RunRecord recorded = RunsTable.require(lake, first.runId());

    assertThat(recorded.inputVersions())
        .containsEntry("gold.courses", 0L)
        .containsEntry("gold.score_pairs", 0L)
        .containsEntry("quarantine.ids201carecontact", 0L);
    assertThat(recorded.commandLine()).isEqualTo("analyse --lake x");
    assertThat(recorded.asOf()).isEqualTo("latest");
    assertThat(Provenance.parseConfig(recorded.configJson())).isEqualTo(new TreeMap<>(settings.asMap()));
    assertThat(recorded.configSha256()).isEqualTo(sha256Hex(recorded.configJson()));
    assertThat(recorded.codeVersion()).matches("[0-9a-f]{40}(-dirty)?|unknown");
    assertThat(recorded.endedAt()).isAfterOrEqualTo(recorded.startedAt());
    assertThat(recorded.generatorSeed()).isNull();
  }

  @Test
  void theRunCountsQuarantinedRowsByTableStageAndRule() {
    assertThat(RunsTable.require(lake, first.runId()).quality())
        .containsExactly(
            new QualityCount("IDS201CareContact", "derive", "ROW_ORPHAN", 1),
            new QualityCount("IDS201CareContact", "ingest", "STRUCT_BAD_DATE", 2));
  }

  @Test
  void theDescriptionsCountOnlyFinishedHighIntensityPreAndPostCourses() {
    // SMALL plants 180 pre and 170 post courses in 6 services; its 20 distractors are LOW intensity, spanning,
    // washout or unfinished.
    for (DomainResult d : DidTable.read(lake, first.runId())) {
      assertThat(d.pre().clients()).isEqualTo(180);
      assertThat(d.post().clients()).isEqualTo(170);
      assertThat(d.pre().services()).isEqualTo(6);
      assertThat(d.model().nObs()).isEqualTo(2 * (180 + 170));
      assertThat(d.formula()).isEqualTo("score ~ time * cohort + (1 | service/therapist/client)");
      assertThat(d.method()).isEqualTo("REML");
    }
  }

  @Test
  void anUnknownRunIdSaysHowToListRuns() {
    assertThatThrownBy(() -> PinnedInputs.resolve(lake, AsOf.run("nope")))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("Run 'nope' is not in results.runs")
        .hasMessageContaining("tt_results.runs");
  }

  static List<DomainResult> withoutRunId(List<DomainResult> rows) {
    return rows.stream().map(r -> r.withRunId("")).toList();
  }

  private static String sha256Hex(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(String.format("%02x", b));
      }
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
