package uk.nhs.tto.reliability;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.analysis.DidTable;
import uk.nhs.tto.analysis.RunsTable;
import uk.nhs.tto.conform.Quarantine;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.ingest.IngestTables;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.subgroups.SubgroupTable;
import uk.nhs.tto.variation.ServiceVariationTable;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Fault injection: {@code ingest}, {@code derive} and {@code analyse} run as their own JVMs and are killed with
 * {@code kill -9} at random moments (seeded, uniform over an uninterrupted run's duration), then run again. After
 * every kill each table must still be readable and hold nothing twice; after the re-run every table must equal
 * the uninterrupted run's, by content digest. Kills come in chains ({@link #KILLS_PER_CHAIN} kills, then a run
 * to the end), so later kills also hit runs that resume a killed one.
 */
@Tag("heavy")
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillNineTest {

  private static final String SUITE = "Crash safety (kill -9 at random points, then re-run)";
  private static final long SEED = 20261122L;
  private static final int CHAINS = 2;

  /** Two chains of five: 10 kills of ingest and 10 of derive, 20 together (the issue asks for 20 or more). */
  private static final int KILLS_PER_CHAIN = 5;

  /** Analyse is killed in two chains of three: it is the longest job, and one commit per results table. */
  private static final int ANALYSE_KILLS_PER_CHAIN = 3;

  /** Columns of results.runs that name the run or its lakehouse path rather than its content. */
  /** The tables an analyse run appends to, one commit each, before it records itself in results.runs. */
  private static final List<String> RESULT_TABLES =
      List.of(DidTable.NAME, SubgroupTable.NAME, ServiceVariationTable.NAME);

  private static final Set<String> RUN_SPECIFIC =
      Set.of("run_id", "started_at", "ended_at", "command_line", "config_json", "config_sha256");

  private Path tmp;
  private Path extracts;
  private Path cohorts;
  private Path ingested;
  private Path derived;
  private final Map<String, Double> seconds = new HashMap<>();
  private Map<String, String> afterIngest;
  private Map<String, String> afterDerive;
  private Map<String, String> afterAnalyse;

  /** Rows one complete analyse run writes to each results table (the uninterrupted run's). */
  private final Map<String, Long> rowsPerRun = new TreeMap<>();

  /** Runs whose result rows a kill left without a results.runs row (killed between the two commits). */
  private final Set<String> unnamedAfterKill = new java.util.TreeSet<>();

  /** One job's process and the tables it must leave as the uninterrupted run did. */
  private record Job(String name, Function<String, TtoProcess> command) {}

  @BeforeAll
  void runThePipelineOnceUninterrupted(SparkSession spark, @TempDir Path tmp) throws IOException {
    this.tmp = tmp;
    extracts = tmp.resolve("extracts");
    Path generatedCohorts = SyntheticExtract.write(extracts, 3, 60, 5);
    HostileCorpus.writeClean(extracts);
    HostileCorpus.writeCases(extracts, "unterminated-quote", "duplicate-key-across-files", "orphan-contacts",
        "date-after-submission-month");
    cohorts = tmp.resolve("cohorts.csv");
    Files.writeString(cohorts, Files.readString(generatedCohorts) + TestLakes.COHORTS.lines().skip(1).findFirst()
        .orElseThrow() + "\n");
    Path lakeDir = tmp.resolve("reference/lake");
    Lake lake = new Lake(spark, lakeDir.toString());
    Path logs = tmp.resolve("reference/logs");

    seconds.put("ingest", completed(ingest().command().apply(lakeDir.toString()).logTo(logs, "ingest")));
    afterIngest = TableContent.digests(lake, PipelineTables.ingest());
    ingested = copy(lakeDir, tmp.resolve("snapshots/ingested"));
    seconds.put("derive", completed(derive().command().apply(lakeDir.toString()).logTo(logs, "derive")));
    afterDerive = TableContent.digests(lake, PipelineTables.derive());
    derived = copy(lakeDir, tmp.resolve("snapshots/derived"));
    seconds.put("analyse", completed(analyse().command().apply(lakeDir.toString()).logTo(logs, "analyse")));
    String run = namedRuns(lake).get(0);
    afterAnalyse = runDigests(lake, run);
    for (String table : RESULT_TABLES) {
      rowsPerRun.put(table, lake.exists(table) ? lake.read(table).filter(col("run_id").equalTo(run)).count() : 0);
    }
    assertThat(rowsPerRun.get(DidTable.NAME)).isPositive();
    assertThat(rowsPerRun.get(SubgroupTable.NAME)).as("subgroup rows, so that kills can fall between the tables")
        .isPositive();
  }

  @Test
  void ingestKilledAtRandomPointsAndRunAgainEndsAsAnUninterruptedRun(SparkSession spark) {
    killChains(spark, ingest(), KILLS_PER_CHAIN, 1, null, lake -> ingestInvariants(lake),
        lake -> diff(TableContent.digests(lake, PipelineTables.ingest()), afterIngest));
  }

  @Test
  void deriveKilledAtRandomPointsAndRunAgainEndsAsAnUninterruptedRun(SparkSession spark) {
    // Chains alternate between a first derive and a derive over tables an earlier derive wrote.
    killChains(spark, derive(), KILLS_PER_CHAIN, 2, chain -> chain % 2 == 0 ? ingested : derived,
        lake -> deriveInvariants(lake), lake -> diff(TableContent.digests(lake, PipelineTables.derive()), afterDerive));
  }

  @Test
  void analyseKilledAtRandomPointsLeavesNoPartialRunAndRunAgainEndsAsAnUninterruptedRun(SparkSession spark) {
    killChains(spark, analyse(), ANALYSE_KILLS_PER_CHAIN, 3, chain -> derived, lake -> analyseInvariants(lake),
        this::analyseDifferences);
  }

  // ---- the chains of kills ------------------------------------------------------------------------------------

  private void killChains(
      SparkSession spark,
      Job job,
      int killsPerChain,
      long seedOffset,
      Function<Integer, Path> startFrom,
      Function<Lake, List<String>> afterKill,
      Function<Lake, List<String>> finalDifferences) {
    Random random = new Random(SEED + seedOffset);
    double duration = seconds.get(job.name());
    List<String> failures = new ArrayList<>();
    List<Double> killedAt = new ArrayList<>();
    int kills = 0;
    int passed = 0;
    int endedFirst = 0;
    for (int chain = 0; chain < CHAINS; chain++) {
      Path dir = tmp.resolve(job.name() + "-chain-" + chain);
      Path lakeDir = dir.resolve("lake");
      if (startFrom != null) {
        copy(startFrom.apply(chain), lakeDir);
      }
      Lake lake = new Lake(spark, lakeDir.toString());
      List<String> problems = new ArrayList<>();
      int chainKills = 0;
      for (int attempt = 0; chainKills < killsPerChain && attempt < 3 * killsPerChain; attempt++) {
        double delay = random.nextDouble() * duration;
        TtoProcess.Started p =
            job.command().apply(lakeDir.toString()).logTo(dir.resolve("logs"), "attempt-" + attempt).start();
        sleep(delay);
        if (!p.process().isAlive()) {
          endedFirst++;
          continue;
        }
        p.kill();
        chainKills++;
        killedAt.add(delay);
        forgetCachedTableStates();
        afterKill.apply(lake).forEach(problem -> problems.add("after the kill at " + round(delay) + " s: " + problem));
      }
      TtoProcess.Result last = job.command().apply(lakeDir.toString()).logTo(dir.resolve("logs"), "final").run();
      if (last.exitCode() != 0) {
        problems.add("the run after the kills failed: " + last.describe());
      } else {
        forgetCachedTableStates();
        problems.addAll(finalDifferences.apply(lake));
      }
      kills += chainKills;
      if (problems.isEmpty()) {
        passed += chainKills;
      } else {
        failures.add("chain " + chain + ": " + String.join("; ", problems));
      }
    }
    killedAt.sort(null);
    ReliabilityLog.record(SUITE, "kill -9 during " + job.name() + " at a random moment, then " + job.name()
            + " again (seed " + (SEED + seedOffset) + ")", kills, passed,
        "after each kill every table readable with nothing twice; after the re-run every table equal to an"
            + " uninterrupted run's",
        (failures.isEmpty()
            ? String.format(Locale.ROOT, "as expected; kills at %s s of a %.0f s run (%d more runs ended before"
                + " their kill moment)", killedAt.stream().map(KillNineTest::round).toList(), duration, endedFirst)
            : String.join(" | ", failures))
            + (job.name().equals("analyse") && !unnamedAfterKill.isEmpty()
                ? "; " + unnamedAfterKill.size() + " killed run(s) left whole tables' rows that results.runs does"
                    + " not name (never read as results)"
                : ""));
    assertThat(kills).isGreaterThanOrEqualTo(CHAINS * killsPerChain);
    assertThat(failures).isEmpty();
  }

  // ---- what must hold -----------------------------------------------------------------------------------------

  private List<String> ingestInvariants(Lake lake) {
    List<String> problems = readable(lake, PipelineTables.ingest());
    problems.addAll(TableContent.ingestRepeats(lake));
    return problems;
  }

  private List<String> deriveInvariants(Lake lake) {
    List<String> problems = readable(lake, PipelineTables.derive());
    for (IdsTable t : IdsTable.values()) {
      String quarantine = Quarantine.tableOf(t);
      if (lake.exists(quarantine)
          && TableContent.duplicates(lake.read(quarantine), IngestTables.SOURCE_FILE, IngestTables.LINE, "stage")
              > 0) {
        problems.add(quarantine + " holds a row twice");
      }
    }
    return problems;
  }

  /**
   * A run named in results.runs has its full set of rows in every results table; in each table, the rows of a
   * run that results.runs does not name (its process was killed between the tables' commits, before the run was
   * recorded) are all there or none, never a partial set.
   */
  private List<String> analyseInvariants(Lake lake) {
    List<String> tables = new ArrayList<>(RESULT_TABLES);
    tables.add(RunsTable.NAME);
    List<String> problems = readable(lake, tables);
    List<String> named = namedRuns(lake);
    for (String table : RESULT_TABLES) {
      Map<String, Long> rows = new TreeMap<>();
      if (lake.exists(table)) {
        lake.read(table).groupBy("run_id").count().collectAsList()
            .forEach(r -> rows.put(r.getString(0), r.getLong(1)));
      }
      rows.keySet().stream().filter(run -> !named.contains(run)).forEach(unnamedAfterKill::add);
      rows.forEach((run, n) -> {
        if (n != rowsPerRun.get(table)) {
          problems.add(table + " holds " + n + " of the " + rowsPerRun.get(table) + " rows of run " + run);
        }
      });
      for (String run : named) {
        if (rowsPerRun.get(table) > 0 && !rows.containsKey(run)) {
          problems.add("results.runs names run " + run + ", which has no rows in " + table);
        }
      }
    }
    return problems;
  }

  private static List<String> readable(Lake lake, List<String> tables) {
    List<String> problems = new ArrayList<>();
    for (String table : tables) {
      try {
        if (lake.exists(table)) {
          lake.read(table).count();
        }
      } catch (RuntimeException e) {
        problems.add(table + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    return problems;
  }

  private static List<String> diff(Map<String, String> actual, Map<String, String> expected) {
    List<String> problems = new ArrayList<>();
    expected.forEach((table, digest) -> {
      if (!digest.equals(actual.get(table))) {
        problems.add(table + " is " + actual.get(table) + ", expected " + digest);
      }
    });
    return problems;
  }

  /**
   * Every run results.runs names (the re-run, and any killed run that got as far as naming itself) must have
   * the uninterrupted run's results.did rows (run id aside) and results.runs row (what names the run aside).
   */
  private List<String> analyseDifferences(Lake lake) {
    List<String> problems = new ArrayList<>();
    List<String> named = namedRuns(lake);
    if (named.isEmpty()) {
      problems.add("results.runs names no run");
    }
    for (String run : named) {
      Map<String, String> actual = runDigests(lake, run);
      if (!actual.equals(afterAnalyse)) {
        problems.add("run " + run + " is " + actual + ", expected " + afterAnalyse);
      }
    }
    return problems;
  }

  private static Map<String, String> runDigests(Lake lake, String run) {
    Map<String, String> out = new TreeMap<>();
    for (String table : RESULT_TABLES) {
      if (lake.exists(table)) {
        out.put(table, TableContent.digest(lake.read(table).filter(col("run_id").equalTo(run)), Set.of("run_id")));
      }
    }
    out.put(RunsTable.NAME,
        TableContent.digest(lake.read(RunsTable.NAME).filter(col("run_id").equalTo(run)), RUN_SPECIFIC));
    return out;
  }

  private static List<String> namedRuns(Lake lake) {
    return lake.exists(RunsTable.NAME)
        ? lake.read(RunsTable.NAME).select("run_id").collectAsList().stream().map(r -> r.getString(0)).toList()
        : List.of();
  }

  // ---- jobs and tables ----------------------------------------------------------------------------------------

  private Job ingest() {
    return new Job("ingest", lake -> TtoProcess.of("ingest", "--extracts", extracts.toString(), "--lake", lake)
        .env("TTO_PSEUDONYMISATION_KEY", TestLakes.KEY));
  }

  private Job derive() {
    return new Job("derive", lake -> TtoProcess.of("derive", "--lake", lake, "--cohorts", cohorts.toString()));
  }

  private Job analyse() {
    // Two subgroup dimensions: the subgroup and service-variation tables are still written, in less time.
    return new Job("analyse", lake -> TtoProcess.of("analyse", "--lake", lake)
        .env("TTO_SUBGROUPS_DIMENSIONS", "age_band,service"));
  }

  // ---- plumbing -----------------------------------------------------------------------------------------------

  private static double completed(TtoProcess process) {
    TtoProcess.Result r = process.run();
    assertThat(r.exitCode()).as(r.describe()).isZero();
    return r.seconds();
  }

  private static Path copy(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes this JVM read every table afresh. Delta caches a table's log per path: after a kill that left a table's
   * {@code _delta_log} folder without a first commit, the cached state says "no table" even once another process
   * has committed it, so a later check would report the table absent when it is not.
   */
  private static void forgetCachedTableStates() {
    DeltaLog.clearCache();
  }

  private static void sleep(double seconds) {
    try {
      Thread.sleep((long) (seconds * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double round(double seconds) {
    return Math.round(seconds * 10) / 10.0;
  }
}
