package uk.nhs.tto.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.generate.Codebook;
import uk.nhs.tto.generate.Generator;
import uk.nhs.tto.generate.GeneratorOptions;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.TableDigest;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Issue 6: "a job killed during a nightly run and re-run completes with the same tables as an uninterrupted run".
 * Each {@code scripts/tto nightly} is a JVM of its own, started as a scheduler starts it. On one lakehouse, a run is
 * killed with SIGKILL (no shutdown hook, no finally block runs) at a seeded random point inside ingest, the next run
 * at a point inside derive, the next inside analyse; a last run completes the night, and then every table must have
 * the same content as an uninterrupted run's (TableDigest, run-describing columns left out). Every run must also get
 * the lock its killed predecessor held: a lock that outlived its process would wedge every later night.
 *
 * <p>Points: {@code -Dtto.nightly.kill.points=N} (default 3; a 4th falls in report, then the cycle repeats), seed
 * {@code -Dtto.nightly.kill.seed} (default 20240401). The whole costs about three nightly runs on a small extract,
 * so this is heavy: {@code scripts/test-heavy NightlyKillIT}.
 */
@Tag("heavy")
@ExtendWith(SparkExtension.class)
class NightlyKillIT {

  /** The stages a nightly run announces, in order, and the line that ends each. */
  private static final List<String> STAGES = List.of("ingest", "derive", "analyse", "report");

  private static final Map<String, Pattern> STAGE_STARTS =
      Map.of(
          "ingest", Pattern.compile("^tto nightly: ingest: "),
          "derive", Pattern.compile("^tto nightly: derive: bronze has changed"),
          "analyse", Pattern.compile("^tto nightly: analyse: gold has changed"),
          "report", Pattern.compile("^tto nightly: report: run"));

  private static final Pattern FINISHED = Pattern.compile("^tto nightly: (ok|DATA-QUALITY)");

  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);

  private final Path repo = Path.of("..").toAbsolutePath().normalize();

  @Test
  void aNightlyRunKilledAtAnyPointAndRunAgainWritesTheSameTablesAsAnUninterruptedRun(
      SparkSession spark, @TempDir Path tmp) throws Exception {
    int points = Integer.getInteger("tto.nightly.kill.points", 3);
    long seed = Long.getLong("tto.nightly.kill.seed", 20240401L);
    Path extracts = tmp.resolve("extracts");
    Codebook codebook = Codebook.load(repo.resolve("conf/measures.csv"), repo.resolve("conf/therapy-codes.csv"));
    Generator.generate(
        GeneratorOptions.builder(extracts, codebook).services(3).months(12).coursesPerServiceYear(150).seed(5)
            .threads(1).build(),
        line -> { });

    // Uninterrupted: the expected tables, and when each stage started and ended.
    NightlyProcess reference = NightlyProcess.start(repo, extracts, tmp.resolve("lake-reference"),
        tmp.resolve("reference.log"), env(tmp, "reference"));
    assertThat(reference.await(RUN_TIMEOUT)).as(reference.output()).isZero();
    Map<String, Duration[]> stageTimes = stageTimes(reference);
    Map<String, TableDigest> expected = digests(spark, tmp.resolve("lake-reference"));
    assertThat(expected).as("the uninterrupted run wrote every layer")
        .containsKeys("bronze.ids101_referral", "gold.courses", "results.did", "results.runs");

    // One lakehouse, killed again and again: each run is killed at the next point, the next run picks up from
    // whatever the killed one left (and must get the lock it held), and a last run completes the night.
    Path lake = tmp.resolve("lake-killed");
    Random random = new Random(seed);
    List<String> report = new ArrayList<>();
    for (int i = 0; i < points; i++) {
      String stage = STAGES.get(i % STAGES.size());
      Duration[] span = stageTimes.get(stage);
      // Somewhere in the first 90% of the stage as the reference run took it.
      double fraction = 0.05 + 0.85 * random.nextDouble();
      Duration offset = Duration.ofMillis((long) (fraction * span[1].minus(span[0]).toMillis()));

      String label = "killed-" + i;
      NightlyProcess killed =
          NightlyProcess.start(repo, extracts, lake, tmp.resolve(label + ".log"), env(tmp, "killed"));
      NightlyProcess.Line start =
          killed.awaitLine(STAGE_STARTS.get(stage), RUN_TIMEOUT)
              .orElseThrow(() -> new AssertionError(label + " never reached " + stage + ":\n" + killed.output()));
      Thread.sleep(offset.toMillis());
      String reached = killed.lastStage();
      assertThat(killed.killHard())
          .as("point %d (%s + %d ms) comes before the run ends; the run printed:%n%s", i, stage, offset.toMillis(),
              killed.output())
          .isTrue();
      assertThat(killed.output()).as("run %d got the lock its killed predecessor held", i)
          .doesNotContain("holds the lock");
      String point = String.format(Locale.ROOT, "point %d: killed %.1f s into %s (%.0f%% of its reference length),"
          + " %.1f s after start; last line: %s", i, offset.toMillis() / 1e3, stage, 100 * fraction,
          start.at().plus(offset).toMillis() / 1e3, reached);
      report.add(point);
      System.out.println(point);
    }

    NightlyProcess rerun = NightlyProcess.start(repo, extracts, lake, tmp.resolve("rerun.log"), env(tmp, "killed"));
    int code = rerun.await(RUN_TIMEOUT);
    assertThat(code).as("the run after %s gets the lock and completes:%n%s", report, rerun.output()).isZero();
    // Derby's lock files in <lake>/_metastore outlive a killed process too; the re-run must still register.
    assertThat(rerun.output()).as("the re-run registered its tables").doesNotContain("not registered")
        .contains("tables registered in the");
    assertThat(tmp.resolve("reports-killed")).as("the re-run wrote a report")
        .isDirectoryRecursivelyContaining("glob:**/index.html");

    Map<String, TableDigest> actual = digests(spark, lake);
    assertThat(TableDigest.differences(actual, expected))
        .as("tables after %s and a re-run, against the uninterrupted run", report)
        .isEmpty();
    assertThat(report).hasSize(points);
  }

  /** The settings every run shares: one pseudonymisation key (so pseudonyms agree), reports per lake. */
  private static Map<String, String> env(Path tmp, String label) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TTO_PSEUDONYMISATION_KEY", "6e696768746c792d6b696c6c2d746573742d6b65792d6e6f742d61207365637265");
    env.put("TTO_REPORTS", tmp.resolve("reports-" + label).toString());
    env.put("TTO_PROGRESS", "off");
    env.put("TTO_DRIVER_MEMORY", "1g");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return env;
  }

  /** When each stage started and ended in {@code run} (a stage ends where the next one, or the run, does). */
  private static Map<String, Duration[]> stageTimes(NightlyProcess run) {
    Map<String, Duration[]> times = new LinkedHashMap<>();
    Duration end = run.first(FINISHED).orElseThrow(() -> new AssertionError("no summary line")).at();
    for (int i = STAGES.size() - 1; i >= 0; i--) {
      String stage = STAGES.get(i);
      Duration start = run.first(STAGE_STARTS.get(stage))
          .orElseThrow(() -> new AssertionError("the reference run never ran " + stage + ":\n" + run.output()))
          .at();
      times.put(stage, new Duration[] {start, end});
      end = start;
    }
    return times;
  }

  private static Map<String, TableDigest> digests(SparkSession spark, Path lake) {
    assertThat(Files.isDirectory(lake)).as("lake " + lake).isTrue();
    return TableDigest.ofLake(
        new Lake(spark, lake.toString()), TableDigest.Options.exact().ignoring(TableDigest.RUN_COLUMNS));
  }
}
