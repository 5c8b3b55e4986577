package uk.nhs.tto.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Date;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.testing.Trees;

/**
 * Lays the hostile-input corpus out as one extracts root: every case's folder (copied from
 * {@code hostile/cases/<case>/}, or generated here when it is large or binary) beside the clean service
 * {@code CLEAN} (from {@code hostile/clean/}). Cases never share a key with each other or with CLEAN, so each
 * case's outcome can be read off by its folder.
 */
public final class HostileCorpus {

  /** The clean service's provider code. */
  public static final String CLEAN = "CLEAN";

  /** Size of the long line of case {@code ten-mb-line}. */
  static final int LONG_LINE_BYTES = 10 * 1024 * 1024;

  /** Rows of case {@code hundredfold-file}: 100 times the largest other file (CLEAN's 9 contacts, rounded). */
  static final int HUNDREDFOLD_ROWS = 1000;

  private static final String REFERRAL_HEADER = String.join(",", IdsTable.IDS101Referral.required().keySet());

  private HostileCorpus() {}

  /** The cases of {@code hostile/cases.csv}. */
  public static List<HostileCase> cases() {
    return HostileCase.load(ProjectTree.hostileCorpus().resolve("cases.csv"));
  }

  /** Writes the clean service alone below {@code extracts}. */
  public static void writeClean(Path extracts) {
    copyTree(ProjectTree.hostileCorpus().resolve("clean"), extracts);
  }

  /** Writes the named cases (each from its folder in {@code hostile/cases/}) below {@code extracts}. */
  public static void writeCases(Path extracts, String... names) {
    for (String name : names) {
      Path corpus = ProjectTree.hostileCorpus().resolve("cases").resolve(name);
      if (!Files.isDirectory(corpus)) {
        throw new IllegalArgumentException("no folder hostile/cases/" + name);
      }
      copyTree(corpus, extracts);
    }
  }

  /** Writes the clean service and every case below {@code extracts}; returns the cases. */
  public static List<HostileCase> writeAll(Path extracts, SparkSession spark) {
    writeClean(extracts);
    List<HostileCase> cases = cases();
    for (HostileCase c : cases) {
      Path corpus = ProjectTree.hostileCorpus().resolve("cases").resolve(c.name());
      if (Files.isDirectory(corpus)) {
        copyTree(corpus, extracts);
      } else {
        generate(c, extracts, spark);
      }
      for (String file : c.extractPaths()) {
        if (!Files.isRegularFile(extracts.resolve(file))) {
          throw new IllegalStateException("case " + c.name() + " lists " + file + ", which was not written");
        }
      }
    }
    return cases;
  }

  private static void generate(HostileCase c, Path extracts, SparkSession spark) {
    Path target = extracts.resolve(c.extractPaths().get(0));
    // Spark writes a folder of files; the one Parquet part is copied out of it, beside the extracts root.
    Path scratch = extracts.resolveSibling("parquet-" + c.folder());
    switch (c.name()) {
      case "ten-mb-line" -> writeLongLine(target);
      case "hundredfold-file" -> {
        StringBuilder text = new StringBuilder(REFERRAL_HEADER).append('\n');
        for (int i = 1; i <= HUNDREDFOLD_ROWS; i++) {
          text.append(String.format("H32,1489,1,H32P%04d,H32U%04d,2024-03-01,,%n", i, i));
        }
        write(target, text.toString().getBytes(StandardCharsets.UTF_8));
      }
      case "parquet-file" -> write(target, referralParquet(spark, "H46", "ReferralRequestReceivedDate",
          "ServDischDate", scratch));
      case "truncated-parquet" -> {
        byte[] whole = referralParquet(spark, "H24", "ReferralRequestReceivedDate", "ServDischDate", scratch);
        write(target, Arrays.copyOf(whole, whole.length / 2));
      }
      case "parquet-wrong-schema" ->
          write(target, referralParquet(spark, "H25", "ReferralDate", "DischargeDate", scratch));
      default -> throw new IllegalStateException(
          "case " + c.name() + " has no folder in hostile/cases/ and no generator in HostileCorpus");
    }
  }

  /** A good row, a line of {@link #LONG_LINE_BYTES} letters without a comma, another good row. */
  private static void writeLongLine(Path target) {
    try {
      Files.createDirectories(target.getParent());
      try (OutputStream out = Files.newOutputStream(target)) {
        out.write((REFERRAL_HEADER + "\nH05,1489,1,H05P1,H05U1,2024-03-01,,\n").getBytes(StandardCharsets.UTF_8));
        byte[] chunk = new byte[1024 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        for (int i = 0; i < LONG_LINE_BYTES / chunk.length; i++) {
          out.write(chunk);
        }
        out.write("\nH05,1489,1,H05P2,H05U2,2024-03-02,,\n".getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A one-file Parquet referral extract of two open referrals with typed columns (Unique_MonthID INT,
   * UniqueSubmissionID BIGINT, dates DATE), the two date columns named as given.
   */
  private static byte[] referralParquet(
      SparkSession spark, String service, String receivedColumn, String dischargedColumn, Path scratch) {
    StructType schema =
        new StructType()
            .add("OrgID_Provider", DataTypes.StringType)
            .add("Unique_MonthID", DataTypes.IntegerType)
            .add("UniqueSubmissionID", DataTypes.LongType)
            .add("PathwayID", DataTypes.StringType)
            .add("Person_ID", DataTypes.StringType)
            .add(receivedColumn, DataTypes.DateType)
            .add(dischargedColumn, DataTypes.DateType)
            .add("EndCode", DataTypes.StringType);
    List<Row> rows =
        List.of(
            RowFactory.create(service, 1489, 1L, service + "P1", service + "U1", Date.valueOf("2024-03-01"), null,
                null),
            RowFactory.create(service, 1489, 1L, service + "P2", service + "U2", Date.valueOf("2024-03-02"), null,
                null));
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(scratch.toString());
    try (Stream<Path> files = Files.list(scratch)) {
      Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      byte[] bytes = Files.readAllBytes(part);
      Trees.delete(scratch);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path target, byte[] bytes) {
    try {
      Files.createDirectories(target.getParent());
      Files.write(target, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.filter(Files::isRegularFile).toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
