package uk.nhs.tto.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.SparkExtension;

/**
 * A run killed between its commits (simulated by failing right after the first bronze append) and re-run must end
 * with exactly the rows one uninterrupted run writes: none twice, none lost.
 */
@ExtendWith(SparkExtension.class)
class IngestCrashTest {

  private static final String KILLED_AFTER = "bronze.ids101referral";
  private static final List<String> TABLES =
      List.of("bronze.ids101referral", "bronze.ids201carecontact", "quarantine.ids101referral", IngestTables.META);

  /** Stands for the process dying: nothing after the failing commit runs. */
  private static final class Killed extends RuntimeException {
    Killed() {
      super("simulated kill after " + KILLED_AFTER);
    }
  }

  private static ExtractFixture extract(Path root) {
    ExtractFixture x = new ExtractFixture(root);
    x.csv("T0001", 1489, IdsTable.IDS101Referral,
        ExtractFixture.referral("P1", "C1", "2023-04-03", "", ""),
        ExtractFixture.referral("P2", "C2", "2023-04-31", "", ""));
    x.csv("T0001", 1489, IdsTable.IDS201CareContact, "T0001,1489,501,CON1,P1,2023-04-10,09:30,02,5,TH1");
    return x;
  }

  /** A lakehouse at {@code <tmp>/lake} with the extract of {@link #extract} ingested by a run killed half-way. */
  private static Lake killedRun(SparkSession spark, Settings settings, ExtractFixture x, Path tmp) {
    Lake lake = new Lake(spark, tmp.resolve("lake").toString());
    killedRun(lake, settings, x.root());
    return lake;
  }

  /** Every table as an uninterrupted ingest of the extract would leave it, excluding run timestamps. */
  private static void assertSameAsOneUninterruptedRun(
      Lake lake, SparkSession spark, Settings settings, ExtractFixture x, Path tmp) {
    Lake reference = new Lake(spark, tmp.resolve("reference").toString());
    Ingest.run(reference, settings, x.root().toString());
    for (String table : TABLES) {
      assertThat(content(lake, table)).as(table).isEqualTo(content(reference, table));
    }
  }

  private static void killedRun(Lake lake, Settings settings, Path extracts) {
    assertThatThrownBy(
            () ->
                Ingest.into(lake, settings)
                    .afterEachCommit(table -> {
                      if (table.equals(KILLED_AFTER)) {
                        throw new Killed();
                      }
                    })
                    .run(extracts.toString()))
        .isInstanceOf(Killed.class);
  }

  /** Table contents without {@code _ingested_at} and {@code ingested_at}, which differ between runs. */
  private static List<String> content(Lake lake, String table) {
    var data = lake.read(table);
    for (String timestamp : List.of(IngestTables.INGESTED_AT, "ingested_at")) {
      if (List.of(data.columns()).contains(timestamp)) {
        data = data.drop(timestamp);
      }
    }
    return ExtractFixture.sortedRows(data);
  }

  private static List<String> pendingMarkers(Path lake) throws Exception {
    Path folder = lake.resolve("_ingest/pending");
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      // Hadoop's local file system keeps a hidden .crc beside each file; only the markers count.
      return files.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith(".")).toList();
    }
  }

  @Test
  void aResumedRunSkipsTheAppendsTheKilledRunCommittedAndCompletesTheRest(SparkSession spark, @TempDir Path tmp)
      throws Exception {
    Settings settings = ExtractFixture.settingsWithTestKey(tmp.resolve("keys"));
    ExtractFixture x = extract(tmp.resolve("extracts"));
    Lake lake = killedRun(spark, settings, x, tmp);
    assertThat(lake.exists(IngestTables.META)).isFalse();
    assertThat(pendingMarkers(tmp.resolve("lake"))).hasSize(1);
    long committedVersion = lake.version(KILLED_AFTER);

    IngestResult resumed = Ingest.run(lake, settings, x.root().toString());

    // The same batch appended again to the table the killed run had committed: Delta's txnAppId/txnVersion make
    // it a no-op, so the table has no new version and one copy of each row.
    assertThat(lake.version(KILLED_AFTER)).isEqualTo(committedVersion);
    assertThat(pendingMarkers(tmp.resolve("lake"))).isEmpty();
    assertThat(resumed.filesIngested()).isEqualTo(2);

    assertSameAsOneUninterruptedRun(lake, spark, settings, x, tmp);
    // Both attempts stamped their rows with the killed attempt's start, as one run would have.
    List<Object> stamps =
        Stream.of("bronze.ids101referral", "bronze.ids201carecontact", "quarantine.ids101referral")
            .flatMap(t -> lake.read(t).select(IngestTables.INGESTED_AT).distinct().collectAsList().stream())
            .map(r -> r.get(0))
            .distinct()
            .toList();
    assertThat(stamps).hasSize(1);
    assertThat(lake.read(IngestTables.META).select("ingested_at").distinct().collectAsList())
        .extracting(r -> r.get(0))
        .containsExactly(stamps.get(0));
  }

  @Test
  void whenFilesChangedBeforeTheReRunTheKilledRunsAppendsAreRolledBackFirst(SparkSession spark, @TempDir Path tmp)
      throws Exception {
    Settings settings = ExtractFixture.settingsWithTestKey(tmp.resolve("keys"));
    ExtractFixture x = extract(tmp.resolve("extracts"));
    Lake lake = killedRun(spark, settings, x, tmp);
    x.csv("T0001", 1490, IdsTable.IDS101Referral, "T0001,1490,511,P3,C3,2023-05-02,,");
    List<String> progress = new ArrayList<>();

    IngestResult rerun = Ingest.into(lake, settings).reportingTo(progress::add).run(x.root().toString());

    assertThat(progress).anyMatch(line -> line.contains("rolling back batch"));
    assertThat(rerun.filesIngested()).isEqualTo(3);
    assertThat(pendingMarkers(tmp.resolve("lake"))).isEmpty();
    assertSameAsOneUninterruptedRun(lake, spark, settings, x, tmp);
  }
}
