package uk.nhs.tto.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.testing.SparkExtension;

/**
 * The lake keeps earlier table versions for {@code tto.retention.days}: tables are created with that retention,
 * {@code Retention.apply} sets it on existing tables and removes the files of older versions, and a read of a version
 * beyond it says so. Removal is shown with a retention of zero (no test can wait a week), which only the library
 * accepts: {@code tto.retention.days} must be at least 7.
 */
@ExtendWith(SparkExtension.class)
class RetentionTest {

  private static final String TABLE = "gold.key_metrics";

  private final SparkSession spark;

  RetentionTest(SparkSession spark) {
    this.spark = spark;
  }

  private Dataset<Row> rows(String... names) {
    StringBuilder values = new StringBuilder();
    for (String n : names) {
      values.append(values.length() == 0 ? "" : ", ").append("('").append(n).append("')");
    }
    return spark.sql("SELECT * FROM VALUES " + values + " AS t(service_id)").coalesce(1);
  }

  /** A table written twice: version 0 ({@code S1}, one file) replaced by version 1 ({@code S2}, one file). */
  private Lake replacedOnce(Path dir, Duration retention) {
    Lake lake = new Lake(spark, dir.toString(), retention);
    lake.overwrite(TABLE, rows("S1"));
    lake.overwrite(TABLE, rows("S2"));
    return lake;
  }

  /** The table's Parquet files on disk, outside its log. */
  private static List<Path> dataFiles(Lake lake) throws IOException {
    try (Stream<Path> files = Files.walk(Path.of(lake.path(TABLE)))) {
      return files.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).toList();
    }
  }

  private static List<String> services(Dataset<Row> table) {
    return table.select("service_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void aNewTableKeepsItsEarlierVersionsForTheLakesRetention(@TempDir Path dir) {
    Lake lake = new Lake(spark, dir.toString(), Duration.ofDays(30));
    lake.overwrite(TABLE, rows("S1"));

    assertThat(lake.delta(TABLE).detail().select("properties").first().<String, String>getJavaMap(0))
        .containsEntry("delta.logRetentionDuration", "interval 30 days")
        .containsEntry("delta.deletedFileRetentionDuration", "interval 30 days");
  }

  @Test
  void filesOfVersionsYoungerThanTheRetentionAreKept(@TempDir Path dir) throws IOException {
    Lake lake = replacedOnce(dir, Duration.ofDays(7));

    Retention.Outcome outcome = Retention.apply(lake, Duration.ofDays(7), false, line -> { });

    assertThat(outcome.filesRemoved()).isZero();
    assertThat(outcome.propertiesSet()).as("created with this retention already").isZero();
    assertThat(dataFiles(lake)).hasSize(2);
    assertThat(services(lake.readAsOfVersion(TABLE, 0))).containsExactly("S1");
    assertThat(lake.version(TABLE)).as("the clean-up commits nothing").isEqualTo(1);
  }

  @Test
  void theFilesOfVersionsOlderThanTheRetentionAreRemovedAndTheCurrentVersionIsIntact(@TempDir Path dir)
      throws IOException {
    Lake lake = replacedOnce(dir, Duration.ofDays(7));
    List<Path> before = dataFiles(lake);
    List<String> current = List.of(lake.read(TABLE).inputFiles());
    Path replaced = before.stream().filter(p -> current.stream().noneMatch(c -> c.endsWith(p.getFileName()
        .toString()))).findFirst().orElseThrow();
    long replacedBytes = Files.size(replaced);

    Retention.Outcome outcome = Retention.apply(lake, Duration.ZERO, false, line -> { });

    assertThat(outcome.filesRemoved()).isEqualTo(1);
    assertThat(outcome.bytesRemoved()).isEqualTo(replacedBytes);
    assertThat(outcome.propertiesSet()).isEqualTo(1);
    assertThat(replaced).doesNotExist();
    assertThat(dataFiles(lake)).hasSize(1);
    assertThat(services(lake.read(TABLE))).containsExactly("S2");
    assertThat(lake.version(TABLE)).as("one commit: the retention properties").isEqualTo(2);
    assertThat(lake.lastDataVersion(TABLE)).as("which changed no row").isEqualTo(1);

    Retention.Outcome again = Retention.apply(lake, Duration.ZERO, false, line -> { });
    assertThat(again.filesRemoved()).isZero();
    assertThat(again.propertiesSet()).isZero();
    assertThat(lake.version(TABLE)).isEqualTo(2);
  }

  @Test
  void aFileNoCommitNamesIsRemovedOnceOlderThanTheRetentionThoughEveryCommittedFileIsCurrent(@TempDir Path dir)
      throws IOException {
    Lake lake = new Lake(spark, dir.toString(), Duration.ofDays(7));
    lake.overwrite(TABLE, rows("S1"));
    // What a write killed before its commit leaves: a data file no version reads, here ten days old.
    Path committed = dataFiles(lake).get(0);
    Path stray = committed.resolveSibling("part-00000-left-by-a-killed-write.snappy.parquet");
    Files.copy(committed, stray);
    Files.setLastModifiedTime(stray,
        java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofDays(10))));

    Retention.Outcome outcome = Retention.apply(lake, Duration.ofDays(7), false, line -> { });

    assertThat(outcome.filesRemoved()).isEqualTo(1);
    assertThat(stray).doesNotExist();
    assertThat(committed).exists();
    assertThat(services(lake.read(TABLE))).containsExactly("S1");
  }

  @Test
  void aCleanUpPrintsNothingOnStandardOutputWhichIsTheJobsSummary(@TempDir Path dir) throws IOException {
    Lake lake = replacedOnce(dir, Duration.ofDays(7));
    ByteArrayOutputStream console = new ByteArrayOutputStream();

    Retention.Outcome outcome = scala.Console$.MODULE$.withOut(console,
        (scala.Function0<Retention.Outcome>) () -> Retention.apply(lake, Duration.ZERO, false, line -> { }));

    assertThat(outcome.filesRemoved()).as("the clean-up ran and removed the replaced file").isPositive();
    assertThat(console.toString(StandardCharsets.UTF_8)).as("Delta's 'Deleted N files and directories' line")
        .isEmpty();
  }

  @Test
  void aLakeGivenByARelativePathIsCleanedToo() throws IOException {
    // The default lake is "lakehouse", relative to the working directory.
    Path dir = Path.of("target", "retention-relative-" + System.nanoTime());
    try {
      Lake lake = replacedOnce(dir, Duration.ofDays(7));

      Retention.Outcome outcome = Retention.apply(lake, Duration.ZERO, false, line -> { });

      assertThat(outcome.filesRemoved()).isEqualTo(1);
      assertThat(services(lake.read(TABLE))).containsExactly("S2");
    } finally {
      uk.nhs.tto.testing.Trees.delete(dir);
    }
  }

  @Test
  void aDryRunReportsWhatWouldBeRemovedAndChangesNothing(@TempDir Path dir) throws IOException {
    Lake lake = replacedOnce(dir, Duration.ofDays(7));
    List<String> current = List.of(lake.read(TABLE).inputFiles());
    long replacedBytes = 0;
    for (Path p : dataFiles(lake)) {
      if (current.stream().noneMatch(c -> c.endsWith(p.getFileName().toString()))) {
        replacedBytes += Files.size(p);
      }
    }

    Retention.Outcome outcome = Retention.apply(lake, Duration.ZERO, true, line -> { });

    assertThat(outcome.filesRemoved()).isEqualTo(1);
    assertThat(outcome.bytesRemoved()).isEqualTo(replacedBytes);
    assertThat(outcome.propertiesSet()).as("would be set").isEqualTo(1);
    assertThat(outcome.summaryLine()).startsWith("would remove 1 files");
    assertThat(dataFiles(lake)).hasSize(2);
    assertThat(lake.version(TABLE)).isEqualTo(1);
    assertThat(services(lake.readAsOfVersion(TABLE, 0))).containsExactly("S1");
  }

  @Test
  void aDryRunJudgesByTheRetentionAskedForNotTheTablesCurrentOne(@TempDir Path dir) {
    // Created keeping nothing; asked to keep a week, the file replaced a moment ago must stay.
    Lake lake = replacedOnce(dir, Duration.ZERO);

    Retention.Outcome outcome = Retention.apply(lake, Duration.ofDays(7), true, line -> { });

    assertThat(outcome.filesRemoved()).isZero();
    assertThat(outcome.propertiesSet()).isEqualTo(1);
  }

  @Test
  void readingAVersionBeyondTheRetentionSaysWhyAndWhatRemains(@TempDir Path dir) {
    Lake lake = replacedOnce(dir, Duration.ofDays(7));
    Retention.apply(lake, Duration.ZERO, false, line -> { });

    assertThatThrownBy(() -> lake.readAsOfVersion(TABLE, 0))
        .isInstanceOf(TtoException.class)
        .hasMessageStartingWith("Table gold.key_metrics cannot be read at version 0")
        .hasMessageContaining("tto.retention.days")
        .hasMessageContaining("results.did")
        .hasMessageContaining("scripts/tto vacuum");
    assertThat(services(lake.readAsOfVersion(TABLE, 2))).as("the latest version stays readable")
        .containsExactly("S2");
  }

  @Test
  void theSettingRefusesLessThanAWeek() {
    Settings settings = Settings.defaults().with(Keys.RETENTION_DAYS, "3");

    assertThatThrownBy(() -> Retention.fromSettings(settings))
        .isInstanceOf(TtoException.class)
        .hasMessageStartingWith("Setting 'tto.retention.days' is 3")
        .hasMessageContaining("set it to 7 or more");
    assertThat(Retention.fromSettings(Settings.defaults())).isEqualTo(Duration.ofDays(Retention.DEFAULT_DAYS));
  }
}
