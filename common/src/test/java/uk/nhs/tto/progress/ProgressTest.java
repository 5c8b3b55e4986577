package uk.nhs.tto.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class ProgressTest {

  private static final long SECOND = 1_000_000_000L;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong now = new AtomicLong(100 * SECOND);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theLineEstimatesTimeLeftFromTheRunningSparkJobsFinishedTasks() {
    Tally tally = new Tally("derive", 0);
    tally.step("gold.courses");
    tally.jobStarted(7, "save at Lake.java:93", 8, 10 * SECOND);
    tally.taskEnded(7, 1_000, 0);
    tally.taskEnded(7, 234_567, 500);

    // 2 of 8 tasks took 10 s since the Spark job started at 10 s: 6 tasks left at 5 s each = 30 s.
    assertThat(tally.line(20 * SECOND))
        .isEqualTo("tto derive · 0:20 · gold.courses · save at Lake.java:93 · tasks 2/8 · ~0:30 left"
            + " · 235,567 rows read, 500 written");
  }

  @Test
  void noEstimateBeforeTheFirstTaskOrAfterTheSparkJobEnds() {
    Tally tally = new Tally("ingest", 0);
    tally.jobStarted(1, "count at Ingest.java:40", 4, 0);

    assertThat(tally.line(5 * SECOND)).isEqualTo("tto ingest · 0:05 · count at Ingest.java:40 · tasks 0/4 · 0 rows read, 0 written");

    tally.taskEnded(1, 10, 0);
    tally.jobEnded(1);

    assertThat(tally.line(3_725 * SECOND)).isEqualTo("tto ingest · 1:02:05 · 10 rows read, 0 written");
  }

  @Test
  void theSummarySaysHowTheJobEndedAndWhatSparkDid() {
    Tally tally = new Tally("ingest", 0);
    tally.jobStarted(1, "a", 2, 0);
    tally.taskEnded(1, 1_500, 0);
    tally.taskEnded(1, 0, 1_499);
    tally.jobEnded(1);

    assertThat(tally.summary(0, 83 * SECOND))
        .isEqualTo("tto ingest: finished in 1:23 · 1 Spark jobs, 2 tasks · 1,500 rows read, 1,499 written");
    assertThat(tally.summary(4, 83 * SECOND))
        .isEqualTo("tto ingest: failed (exit 4) in 1:23 · 1 Spark jobs, 2 tasks · 1,500 rows read, 1,499 written");
    assertThat(new Tally("generate", 0).summary(0, 12 * SECOND)).isEqualTo("tto generate: finished in 0:12");
  }

  @Test
  void plainLinesArePrintedOnlyWhenSomethingChangedAndTheSummaryAlways() {
    Progress progress = Progress.manual("ingest", err, Progress.Mode.LINES, now::get);
    progress.step("reading extracts");
    now.addAndGet(5 * SECOND);
    progress.tick();
    progress.tick();
    progress.finish(0);

    assertThat(printed())
        .isEqualTo("tto ingest · 0:05 · reading extracts · 0 rows read, 0 written\n"
            + "tto ingest: finished in 0:05\n");
  }

  @Test
  void liveModeRedrawsOneLineAndClearsItBeforeTheSummary() {
    Progress progress = Progress.manual("derive", err, Progress.Mode.LIVE, now::get);
    now.addAndGet(2 * SECOND);
    progress.tick();
    progress.finish(3);

    assertThat(printed())
        .isEqualTo("\rtto derive · 0:02 · 0 rows read, 0 written\u001b[K\r\u001b[Ktto derive: failed (exit 3) in 0:02\n");
  }

  @Test
  void offModePrintsOnlyTheSummaryOnce() {
    Progress progress = Progress.manual("report", err, Progress.Mode.OFF, now::get);
    progress.tick();
    progress.finish(0);
    progress.close();

    assertThat(printed()).isEqualTo("tto report: finished in 0:00\n");
  }

  @Test
  void modesAreNamedAsTheSettingSaysAndOthersAreRefused() {
    assertThat(Progress.mode("live")).isEqualTo(Progress.Mode.LIVE);
    assertThat(Progress.mode("1")).isEqualTo(Progress.Mode.LINES);
    assertThat(Progress.mode(" ON ")).isEqualTo(Progress.Mode.LINES);
    assertThat(Progress.mode("0")).isEqualTo(Progress.Mode.OFF);
    // Tests run without a console, so auto is off.
    assertThat(Progress.mode("auto")).isEqualTo(Progress.Mode.OFF);
    assertThatThrownBy(() -> Progress.mode("loud")).hasMessageContaining("it must be live, on, off or auto");
  }

  @Test
  void sparkWorkIsCountedFromTheSessionItIsAttachedTo(SparkSession spark, @TempDir Path dir) {
    String parquet = dir.resolve("numbers").toString();
    spark.range(1_000).write().parquet(parquet);
    Progress progress = Progress.manual("sql", err, Progress.Mode.OFF, now::get);
    progress.attach(spark);

    spark.read().parquet(parquet).write().parquet(dir.resolve("copy").toString());
    progress.finish(0);

    // The copy reads the 1,000 rows written before the listener was attached, and writes them again.
    assertThat(progress.rowsRead()).isEqualTo(1_000);
    assertThat(progress.rowsWritten()).isEqualTo(1_000);
    assertThat(printed()).contains("1,000 rows read, 1,000 written");
  }
}
