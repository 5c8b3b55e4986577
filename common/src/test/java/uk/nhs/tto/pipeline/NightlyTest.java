package uk.nhs.tto.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Catalogue;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.GeneratedExtracts;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NightlyTest {

  private Path tmp;

  private Path extracts;
  /** The defaults: every step of a nightly, subgroup analyses and vacuum included. */
  private Settings settings;
  /**
   * Without the steps a test is not about (the subgroup analyses and the vacuum: a third of a nightly's time on
   * this extract); {@link #aSecondRunWithNothingNewChangesNothing} runs them all.
   */
  private Settings lean;

  @BeforeAll
  void generateASmallExtract(@TempDir Path dir) {
    tmp = dir;
    extracts = tmp.resolve("extracts");
    GeneratedExtracts.generate(
        extracts, b -> b.services(3).months(12).coursesPerServiceYear(150).seed(5).threads(1));
    settings = GeneratedExtracts.settings(extracts).with(Keys.REPORTS, tmp.resolve("reports").toString());
    lean = settings.with(Map.of(Keys.NIGHTLY_VACUUM, "false", Keys.SUBGROUPS_ENABLED, "false"));
  }

  @Test
  void aSecondRunWithNothingNewChangesNothing(SparkSession spark) {
    Lake lake = new Lake(spark, tmp.resolve("lake-rerun").toString());

    Nightly.Outcome first = Nightly.run(lake, settings, extracts.toString(), "test", line -> { });
    assertThat(first.ingest().filesIngested()).isPositive();
    assertThat(first.derive()).isPresent();
    assertThat(first.analysis()).isPresent();
    assertThat(first.report()).exists();
    Map<String, Long> versionsAfterFirst = versions(lake);

    Nightly.Outcome second = Nightly.run(lake, settings, extracts.toString(), "test", line -> { });

    assertThat(second.ingest().filesIngested()).isZero();
    assertThat(second.ingest().filesSkipped()).isEqualTo(first.ingest().filesRead());
    assertThat(second.derive()).isEmpty();
    assertThat(second.analysis()).isEmpty();
    assertThat(second.runId()).isEqualTo(first.runId());
    assertThat(versions(lake)).isEqualTo(versionsAfterFirst);
    assertThat(second.summaryLine()).startsWith("tto nightly: ok;").contains("derive up to date")
        .contains("; deliveries complete, every service to ");
    assertThat(second.toJson()).containsEntry("deliveries_needing_a_look", List.of());
  }

  @Test
  void aChangedRetentionIsSetOnEveryTableWithoutDerivingOrAnalysingAgain(SparkSession spark) {
    Path dir = tmp.resolve("lake-retention");
    Settings settings = this.settings.with(Keys.SUBGROUPS_ENABLED, "false");
    Nightly.Outcome first = Nightly.run(new Lake(spark, dir.toString()), settings, extracts.toString(), "test",
        line -> { });
    assertThat(first.vacuum()).get().satisfies(v -> assertThat(v.propertiesSet()).isZero());
    Lake shorter = new Lake(spark, dir.toString(), Duration.ofDays(30));

    Nightly.Outcome second = Nightly.run(shorter, settings, extracts.toString(), "test", line -> { });

    assertThat(second.vacuum()).get().satisfies(v -> {
      assertThat(v.propertiesSet()).isEqualTo(versions(shorter).size());
      assertThat(v.filesRemoved()).as("nothing is 30 days old").isZero();
    });
    assertThat(second.derive()).as("setting a retention changes no row").isEmpty();
    assertThat(second.analysis()).isEmpty();
    assertThat(second.runId()).isEqualTo(first.runId());
    assertThat(second.summaryLine()).contains("vacuum removed 0 files").contains("retention set on");
    Map<String, Long> versionsAfterSecond = versions(shorter);

    Nightly.Outcome third = Nightly.run(shorter, settings, extracts.toString(), "test", line -> { });

    assertThat(third.vacuum()).get().satisfies(v -> assertThat(v.propertiesSet()).isZero());
    assertThat(third.derive()).isEmpty();
    assertThat(third.analysis()).isEmpty();
    assertThat(versions(shorter)).isEqualTo(versionsAfterSecond);
  }

  @Test
  void aRunStoppedAfterIngestIsCompletedByTheNextRun(SparkSession spark) {
    Lake lake = new Lake(spark, tmp.resolve("lake-resume").toString());
    // A run that died after ingest: bronze is written, gold is not.
    uk.nhs.tto.ingest.Ingest.run(lake, lean, extracts.toString());

    Nightly.Outcome next = Nightly.run(lake, lean, extracts.toString(), "test", line -> { });

    assertThat(next.ingest().filesIngested()).isZero();
    assertThat(next.derive()).as("derive runs because gold is older than bronze").isPresent();
    assertThat(next.analysis()).isPresent();
  }

  @Test
  void aRunWhileAnotherHoldsTheLockExitsAtOnceWithTheLockedCode(SparkSession spark) throws Exception {
    Path lakeDir = tmp.resolve("lake-locked");
    Lake lake = new Lake(spark, lakeDir.toString());
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                HoldLock.class.getName(), lakeDir.toString(), "60")
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).startsWith("locked");

      long start = System.nanoTime();
      assertThatThrownBy(() -> Nightly.run(lake, lean, extracts.toString(), "test", line -> { }))
          .isInstanceOfSatisfying(
              TtoException.class, e -> assertThat(e.exitCode()).isEqualTo(TtoException.LOCKED))
          .hasMessageContaining("Another nightly holds the lock of this lakehouse")
          .hasMessageContaining(holder.pid() + "@");
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
      assertThat(Catalogue.tablesIn(lake, "bronze")).as("the locked-out run wrote nothing").isEmpty();
    } finally {
      holder.destroyForcibly().waitFor();
    }
    // The lock died with its holder: the next run proceeds.
    assertThat(Nightly.run(lake, lean, extracts.toString(), "test", line -> { }).derive()).isPresent();
  }

  private static Map<String, Long> versions(Lake lake) {
    Map<String, Long> v = new TreeMap<>();
    for (String layer : List.of("bronze", "quarantine", "meta", "silver", "gold", "results")) {
      for (String t : Catalogue.tablesIn(lake, layer)) {
        v.put(layer + "." + t, lake.version(layer + "." + t));
      }
    }
    return v;
  }
}
