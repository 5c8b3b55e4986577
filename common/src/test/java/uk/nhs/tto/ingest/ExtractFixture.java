package uk.nhs.tto.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.testing.KeyFiles;

/**
 * Writes small extract folders for tests: {@code <root>/<service>/<month>/<Table>.csv} with the table's required
 * header (submission columns first, as {@link IdsTable#required()} orders them) and hand-written rows.
 */
final class ExtractFixture {

  private final Path root;

  ExtractFixture(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** The required columns of a table as a CSV header line. */
  static String header(IdsTable table) {
    return String.join(",", table.required().keySet());
  }

  /** A CSV with the table's required header and {@code rows} (one line each, LF endings, final newline). */
  Path csv(String service, int month, IdsTable table, String... rows) {
    return csvWithHeader(service, month, table, header(table), rows);
  }

  /** A CSV with an explicit header line. */
  Path csvWithHeader(String service, int month, IdsTable table, String header, String... rows) {
    String text = header + "\n" + Arrays.stream(rows).map(r -> r + "\n").collect(Collectors.joining());
    return write(service + "/" + month + "/" + table.fileStem() + ".csv", text.getBytes(StandardCharsets.UTF_8));
  }

  /** Any bytes at a path below the root. */
  Path write(String relative, byte[] bytes) {
    Path file = root.resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The test key of {@link PseudonymisationKeyTest}, whose HMACs the tests computed with openssl. */
  static final String KEY = "a-test-key-of-more-than-sixteen-characters";

  /** Settings that key pseudonymisation with {@link #KEY}, kept in an owner-only file in {@code folder}. */
  static Settings settingsWithTestKey(Path folder) {
    Path file = KeyFiles.ownerOnly(folder.resolve("test.key"), KEY);
    return Settings.defaults().with(Keys.KEY_FILE, file.toString());
  }

  /** Every row of a Dataset as a string, sorted: content to compare regardless of order. */
  static List<String> sortedRows(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** A clean referral row of T0001 month 1489 in required-column order. */
  static String referral(String pathway, String person, String referred, String discharged, String endCode) {
    return String.join(",", "T0001", "1489", "501", pathway, person, referred, discharged, endCode);
  }
}
