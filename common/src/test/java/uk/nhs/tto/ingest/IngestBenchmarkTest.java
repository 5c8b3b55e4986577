package uk.nhs.tto.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Times ingest against the bare Spark copy it is measured by (read every CSV with a header, write it as Parquet)
 * on the same synthetic files: the target is ingest within about 1.5–2× of the copy. Heavy: run it with
 * {@code mvn -pl common -am test -Dtest=IngestBenchmarkTest -Dexcluded.test.groups= -Dtto.bench.folders=240}.
 */
@Tag("heavy")
@ExtendWith(SparkExtension.class)
class IngestBenchmarkTest {

  /** Rows per service-month folder and table, roughly national proportions (scores dominate). */
  private static final int[] ROWS = {300, 300, 900, 900, 400, 250, 3000};

  @Test
  void ingestTakesASmallMultipleOfABareCsvToParquetCopy(SparkSession spark, @TempDir Path tmp) throws IOException {
    int folders = Integer.getInteger("tto.bench.folders", 48);
    Path extracts = tmp.resolve("extracts");
    long rows = generate(extracts, folders);
    long bytes;
    try (var files = Files.walk(extracts)) {
      bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }

    long t0 = System.nanoTime();
    for (IdsTable table : IdsTable.values()) {
      spark.read().option("header", "true").csv(extracts + "/*/*/" + table.fileStem() + ".csv")
          .write().mode("overwrite").parquet(tmp.resolve("copy").resolve(table.tableName()).toString());
    }
    double copy = (System.nanoTime() - t0) / 1e9;

    Lake lake = new Lake(spark, tmp.resolve("lake").toString());
    long t1 = System.nanoTime();
    IngestResult result =
        Ingest.into(lake, ExtractFixture.settingsWithTestKey(tmp.resolve("keys")))
            .reportingTo(System.err::println)
            .run(extracts.toString());
    double ingest = (System.nanoTime() - t1) / 1e9;

    System.err.printf(
        "benchmark: %d files, %,d rows, %,d MB: bare copy %.1f s, ingest %.1f s, ratio %.2f%n",
        folders * 7, rows, bytes >> 20, copy, ingest, ingest / copy);
    long accepted = result.tables().values().stream().mapToLong(IngestResult.TableCounts::accepted).sum();
    assertThat(accepted).isEqualTo(rows);
  }

  /** Clean IDS-shaped CSVs: {@code folders} service-months of every table. */
  private static long generate(Path root, int folders) throws IOException {
    Random random = new Random(1);
    long rows = 0;
    IdsTable[] tables = IdsTable.values();
    for (int f = 0; f < folders; f++) {
      String service = String.format("T%04d", f / 12 + 1);
      int month = 1489 + f % 12;
      Path dir = root.resolve(service).resolve(Integer.toString(month));
      Files.createDirectories(dir);
      for (int t = 0; t < tables.length; t++) {
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(tables[t].fileStem() + ".csv"),
            StandardCharsets.UTF_8)) {
          w.write(ExtractFixture.header(tables[t]));
          w.write('\n');
          for (int i = 0; i < ROWS[t]; i++) {
            w.write(row(tables[t], service, month, i, random));
            w.write('\n');
            rows++;
          }
        }
      }
    }
    return rows;
  }

  private static String row(IdsTable table, String service, int month, int i, Random r) {
    String sub = service + "," + month + "," + (month * 1000 + 7);
    String pathway = service + "-P" + r.nextInt(20_000);
    String person = service + "-C" + r.nextInt(20_000);
    String date = "2023-" + (10 + r.nextInt(3)) + "-" + (10 + r.nextInt(18));
    String id = service + "-" + month + "-" + i;
    return switch (table) {
      case IDS001MPI -> sub + "," + person + "," + (16 + r.nextInt(70)) + ",1,A," + (1 + r.nextInt(10));
      case IDS101Referral -> sub + "," + pathway + "," + person + "," + date + ",," ;
      case IDS201CareContact -> sub + "," + id + "," + pathway + "," + date + ",09:30,02,5," + service + "-TH"
          + r.nextInt(30);
      case IDS202CareActivity -> sub + "," + id + "," + id + "," + pathway + ",1127831000000106";
      case IDS603PresentingComplaints -> sub + "," + pathway + ",F32." + r.nextInt(9) + "," + date;
      case IDS606CodedScoreAssessmentRefer -> sub + "," + id + "," + pathway + ",720433000," + r.nextInt(28) + ","
          + date;
      case IDS607CodedScoreAssessmentAct -> sub + "," + id + "," + pathway + "," + id + ",445455005,"
          + r.nextInt(22);
    };
  }
}
