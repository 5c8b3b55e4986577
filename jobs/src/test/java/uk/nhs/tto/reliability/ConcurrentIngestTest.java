package uk.nhs.tto.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.ingest.Ingest;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Two ingests of one lakehouse at the same time, as two JVMs started together: of different services both must
 * land, of the same extract it must land exactly once; either way both exit 0 and every table equals what the
 * same files give when ingested one run after the other. Each scenario runs {@link #TRIALS} times: odd trials start
 * both together, even trials start the second while the first is between two of its commits (where, without the
 * ingest lock, the second took the first's pending batch for a killed run's and rolled it back).
 */
@Tag("heavy")
@ExtendWith(SparkExtension.class)
class ConcurrentIngestTest {

  private static final String SUITE = "Concurrency (two ingest processes on one lakehouse at once)";
  /** One trial of each interleaving: started together, and the second started between the first's commits. */
  private static final int TRIALS = 2;

  @Test
  void twoIngestsOfDifferentServicesAtOnceBothLand(SparkSession spark, @TempDir Path tmp) {
    Path clean = tmp.resolve("extracts-clean");
    HostileCorpus.writeClean(clean);
    Path others = tmp.resolve("extracts-others");
    HostileCorpus.writeCases(others, "unterminated-quote", "duplicate-key-across-files", "orphan-assessments");
    Lake reference = new Lake(spark, tmp.resolve("reference/lake").toString());
    Ingest.run(reference, TestLakes.settings(tmp.resolve("reference")), clean.toString());
    Ingest.run(reference, TestLakes.settings(tmp.resolve("reference")), others.toString());
    Map<String, String> expected = TableContent.digests(reference, PipelineTables.ingest());

    runTrials(spark, tmp, "different services", clean, others, expected,
        "both exit 0; every file of both extracts in meta.ingested_files once; tables equal one-after-the-other runs");
  }

  @Test
  void twoIngestsOfTheSameExtractAtOnceLandItExactlyOnce(SparkSession spark, @TempDir Path tmp) {
    Path clean = tmp.resolve("extracts");
    HostileCorpus.writeClean(clean);
    HostileCorpus.writeCases(clean, "unterminated-quote", "duplicate-key-across-files");
    Lake reference = new Lake(spark, tmp.resolve("reference/lake").toString());
    Ingest.run(reference, TestLakes.settings(tmp.resolve("reference")), clean.toString());
    Map<String, String> expected = TableContent.digests(reference, PipelineTables.ingest());

    runTrials(spark, tmp, "the same extract", clean, clean, expected,
        "both exit 0; each file in meta.ingested_files once, no row twice; tables equal one run's");
  }

  private void runTrials(
      SparkSession spark, Path tmp, String what, Path first, Path second, Map<String, String> expected,
      String expectation) {
    List<String> failures = new ArrayList<>();
    int passed = 0;
    for (int trial = 1; trial <= TRIALS; trial++) {
      Path dir = tmp.resolve("trial-" + trial);
      String lakeDir = dir.resolve("lake").toString();
      TtoProcess.Started a = ingest(first, lakeDir, dir, "a").start();
      if (trial % 2 == 0) {
        // The unlucky interleaving, made to happen: the second starts while the first is between its commits.
        waitForProgress(dir.resolve("a.err"), ": appended ", a);
      }
      TtoProcess.Started b = ingest(second, lakeDir, dir, "b").start();
      TtoProcess.Result ra = a.await();
      TtoProcess.Result rb = b.await();
      List<String> problems = new ArrayList<>();
      if (ra.exitCode() != 0) {
        problems.add("first ingest " + ra.describe());
      }
      if (rb.exitCode() != 0) {
        problems.add("second ingest " + rb.describe());
      }
      Lake lake = new Lake(spark, lakeDir);
      problems.addAll(TableContent.ingestRepeats(lake));
      Map<String, String> actual = TableContent.digests(lake, PipelineTables.ingest());
      expected.forEach((table, digest) -> {
        if (!digest.equals(actual.get(table))) {
          problems.add(table + " is " + actual.get(table) + ", expected " + digest);
        }
      });
      if (problems.isEmpty()) {
        passed++;
      } else {
        failures.add("trial " + trial + ": " + String.join("; ", problems));
      }
    }
    ReliabilityLog.record(SUITE, "two ingests of " + what + " started together", TRIALS, passed, expectation,
        failures.isEmpty() ? "as expected in every trial" : String.join(" | ", failures));
    assertThat(failures).isEmpty();
  }

  /** Waits until a job's progress output contains {@code text} (or the job ends). */
  private static void waitForProgress(Path stderr, String text, TtoProcess.Started job) {
    long deadline = System.nanoTime() + TtoProcess.TIMEOUT.toNanos();
    try {
      while (job.process().isAlive() && System.nanoTime() < deadline
          && !(Files.exists(stderr) && Files.readString(stderr).contains(text))) {
        Thread.sleep(200);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static TtoProcess ingest(Path extracts, String lake, Path logs, String name) {
    return TtoProcess.of("ingest", "--extracts", extracts.toString(), "--lake", lake)
        .env("TTO_PSEUDONYMISATION_KEY", TestLakes.KEY)
        .logTo(logs, name);
  }
}
