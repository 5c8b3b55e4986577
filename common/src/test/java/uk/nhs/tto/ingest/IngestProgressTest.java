package uk.nhs.tto.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.progress.Progress;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Ingest's progress counts the extract records it reads. Its tasks open the files they are handed by name, which
 * Spark cannot see, so they count each record in the task's input metrics themselves; without that the closing
 * line said "0 rows read" for every ingest.
 */
@ExtendWith(SparkExtension.class)
class IngestProgressTest {

  @Test
  void rowsReadAreTheRecordsOfEveryFileForBronzeAndOfFilesWithDefectsAgainForQuarantine(
      SparkSession spark, @TempDir Path tmp) throws Exception {
    ExtractFixture x = new ExtractFixture(tmp.resolve("extracts"));
    x.csv("T0001", 1489, IdsTable.IDS101Referral,
        "T0001,1489,501,PATHWAY-RAW-0001,PERSON-RAW-0001,2023-04-03,,",
        "T0001,1489,501,PATHWAY-RAW-0002,PERSON-RAW-0002,2023-04-04,,",
        "T0001,1489,501,PATHWAY-RAW-0003,PERSON-RAW-0003,2023-04-05,,");
    x.csv("T0001", 1490, IdsTable.IDS101Referral,
        "T0001,1490,502,PATHWAY-RAW-0004,PERSON-RAW-0004,2023-05-03,,",
        "T0001,1490,502,,PERSON-RAW-0005,2023-05-03,,"); // no PathwayID: quarantined
    Lake lake = new Lake(spark, tmp.resolve("lake").toString());
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    IngestResult result;
    long rowsRead;
    try (Progress progress =
        Progress.start("ingest", new PrintStream(err, true, StandardCharsets.UTF_8), Progress.Mode.OFF,
            Duration.ofSeconds(10))) {
      progress.attach(spark);
      result = Ingest.run(lake, ExtractFixture.settingsWithTestKey(tmp.resolve("keys")), x.root().toString());
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
      rowsRead = progress.rowsRead();
    }

    // Bronze's write reads both files whole (3 + 2 records); quarantine's reads the file with a defect again (2).
    assertThat(rowsRead).isEqualTo(3 + 2 + 2);
    assertThat(lake.read("bronze.ids101referral").count()).isEqualTo(4);
    assertThat(lake.read("quarantine.ids101referral").count()).isEqualTo(1);
    assertThat(result.tables().get(IdsTable.IDS101Referral)).isEqualTo(new IngestResult.TableCounts(5, 4, 1));
  }
}
