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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.generate.Codebook;
import uk.nhs.tto.generate.Generator;
import uk.nhs.tto.generate.GeneratorOptions;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.TableDigest;
import uk.nhs.tto.pipeline.Nightly;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Issue 6: "a job killed during a nightly run and re-run completes with the same tables as an uninterrupted run".
 * Each {@code scripts/tto nightly} is a JVM of its own, started as a scheduler starts it. On one lakehouse, a run is
 * killed with SIGKILL (no shutdown hook, no finally block runs) at a seeded random point inside ingest, the next run
 * at a point inside derive, the next inside analyse; a last run completes the night, and then every table must have
 * the same content as an uninterrupted run's (TableDigest, run-describing columns left out; the uninterrupted run is
 * the same {@link Nightly#run} in this JVM, which is cheaper). Every run must also get the lock its killed
 * predecessor held: a lock that outlived its process would wedge every later night.
 *
 * <p>Points: {@code -Dtto.nightly.kill.points=N} (default 3; a 4th falls in report, then the cycle repeats), seed
 * {@code -Dtto.nightly.kill.seed} (default 20240401). The whole costs about two nightly runs on a small extract,
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

    Path keyFile = tmp.resolve("pseudonymisation.key");
    Files.writeString(keyFile, "nightly-kill-test-key-not-a-secret-0123456789abcdef");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> env = env(tmp, keyFile);

    // Uninterrupted, in this JVM: the expected tables, and how long each stage took.
    Map<String, Duration> stageLengths = new LinkedHashMap<>();
    Nightly.Outcome outcome = uninterrupted(spark, tmp, extracts, env, stageLengths);
    assertThat(outcome.analysis()).as("the uninterrupted run analysed").isPresent();
    Map<String, TableDigest> expected = digests(spark, tmp.resolve("lake-reference"));
    assertThat(expected).as("the uninterrupted run wrote every layer")
        .containsKeys("bronze.ids101referral", "gold.courses", "results.did", "results.runs");

    // One lakehouse, killed again and again: each run is killed at the next point, the next run picks up from
    // whatever the killed one left (and must get the lock it held), and a last run completes the night.
    Path lake = tmp.resolve("lake-killed");
    Random random = new Random(seed);
    List<String> report = new ArrayList<>();
    for (int i = 0; i < points; i++) {
      String stage = STAGES.get(i % STAGES.size());
      // Somewhere in the first half of the stage as the uninterrupted run took it: a run in a JVM of its own may take
      // less (it had two shuffle partitions, and the reference shared the machine with it), and a kill aimed late
      // would land in the next stage. Where each kill landed is reported.
      double fraction = 0.05 + 0.45 * random.nextDouble();
      Duration offset = Duration.ofMillis((long) (fraction * stageLengths.get(stage).toMillis()));

      String label = "killed-" + i;
      NightlyProcess killed =
          NightlyProcess.start(repo, extracts, lake, tmp.resolve(label + ".log"), env);
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

    NightlyProcess rerun = NightlyProcess.start(repo, extracts, lake, tmp.resolve("rerun.log"), env);
    int code = rerun.await(RUN_TIMEOUT);
    assertThat(code).as("the run after %s gets the lock and completes:%n%s", report, rerun.output()).isZero();
    // Derby's lock files in <lake>/_metastore outlive a killed process too; the re-run must still register.
    assertThat(rerun.output()).as("the re-run registered its tables").doesNotContain("not registered")
        .contains("tables registered in the");
    assertThat(tmp.resolve("reports")).as("the re-run wrote a report")
        .isDirectoryRecursivelyContaining("glob:**/index.html");

    Map<String, TableDigest> actual = digests(spark, lake);
    assertThat(TableDigest.differences(actual, expected))
        .as("tables after %s and a re-run, against the uninterrupted run", report)
        .isEmpty();
    assertThat(report).hasSize(points);
  }

  /**
   * The environment every run of the night shares: one pseudonymisation key (so pseudonyms agree), one reports folder,
   * and a Spark sized for a two-core test machine (spark-submit's own settings win over the profile's).
   */
  private static Map<String, String> env(Path tmp, Path keyFile) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TTO_PSEUDONYMISATION_KEY_FILE", keyFile.toString());
    env.put("TTO_REPORTS", tmp.resolve("reports").toString());
    env.put("TTO_PROGRESS", "off");
    env.put("TTO_DRIVER_MEMORY", "1g");
    env.put("TTO_SPARK_OPTS", "--conf spark.sql.shuffle.partitions=2");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return env;
  }

  /**
   * The nightly run in this JVM's session with the settings {@code scripts/tto nightly} resolves (local profile, the
   * same environment); records how long each stage took, from one stage's progress line to the next.
   */
  private Nightly.Outcome uninterrupted(
      SparkSession spark, Path tmp, Path extracts, Map<String, String> env, Map<String, Duration> stageLengths) {
    Path lake = tmp.resolve("lake-reference");
    Settings settings =
        Settings.resolve(repo.resolve("conf/local.conf"), null, env,
            Map.of(
                Keys.LAKE, lake.toString(),
                Keys.EXTRACTS, extracts.toString(),
                Keys.COHORTS, extracts.resolve("cohorts.csv").toString(),
                Keys.MEASURES, repo.resolve("conf/measures.csv").toString(),
                Keys.THERAPY_CODES, repo.resolve("conf/therapy-codes.csv").toString(),
                Keys.REPORTS, tmp.resolve("reports-reference").toString()));
    long[] last = {System.nanoTime()};
    String[] current = {null};
    Nightly.Outcome outcome =
        Nightly.run(new Lake(spark, lake.toString()), settings, extracts.toString(), "nightly (kill test reference)",
            line -> {
              for (String stage : STAGES) {
                if (STAGE_STARTS.get(stage).matcher("tto nightly: " + line).find()) {
                  long now = System.nanoTime();
                  if (current[0] != null) {
                    stageLengths.put(current[0], Duration.ofNanos(now - last[0]));
                  }
                  current[0] = stage;
                  last[0] = now;
                }
              }
            });
    stageLengths.put(current[0], Duration.ofNanos(System.nanoTime() - last[0]));
    assertThat(stageLengths).as("the uninterrupted run went through every stage").containsKeys(
        STAGES.toArray(new String[0]));
    return outcome;
  }

  private static Map<String, TableDigest> digests(SparkSession spark, Path lake) {
    assertThat(Files.isDirectory(lake)).as("lake " + lake).isTrue();
    // Doubles to 12 significant digits: the reference ran with one shuffle partition, the killed runs with two, and a
    // sum may differ in its last bits with the order partitions are added (as between cluster and local mode).
    return TableDigest.ofLake(new Lake(spark, lake.toString()),
        TableDigest.Options.exact().ignoring(TableDigest.RUN_COLUMNS).significantDigits(12));
  }
}
