package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import uk.nhs.tto.ingest.IdsTable;

/**
 * Test fixtures: small generator options, and a plain reader of a generated CSV extract that knows nothing of the
 * generator's internals (it splits lines on commas and checks each header against {@link IdsTable}).
 */
final class Extracts {

  private Extracts() {}

  /** The project's catalogues (tests run in {@code common/}). */
  static Codebook codebook() {
    return Codebook.load(Path.of("../conf/measures.csv"), Path.of("../conf/therapy-codes.csv"));
  }

  /** A few services over a few months: fast, yet every pathway and record kind occurs. */
  static GeneratorOptions.Builder small(Path out) {
    return GeneratorOptions.builder(out, codebook()).services(3).months(8).coursesPerServiceYear(150).seed(7)
        .threads(2);
  }

  /** One row of an extract file, with where it came from; {@code columns} maps a column name to its position. */
  record Row(String service, int folderMonth, String file, int line, Map<String, Integer> columns, String[] fields) {
    String get(String column) {
      Integer i = columns.get(column);
      if (i == null) {
        throw new IllegalArgumentException("no column " + column + " in " + file);
      }
      return fields[i];
    }

    boolean has(String column) {
      return columns.containsKey(column);
    }
  }

  /** Every row of one table across all service and month folders, in folder order. */
  static List<Row> rows(Path root, IdsTable table) {
    List<Row> out = new ArrayList<>();
    List<String> header = new ArrayList<>(table.required().keySet());
    Map<String, Integer> columns = new LinkedHashMap<>();
    for (String c : header) {
      columns.put(c, columns.size());
    }
    for (Path file : files(root, table)) {
      List<String> lines = lines(file);
      assertThat(lines.get(0).split(",", -1)).as("header of %s", file).containsExactlyElementsOf(header);
      String service = file.getParent().getParent().getFileName().toString();
      int month = Integer.parseInt(file.getParent().getFileName().toString());
      String relative = root.relativize(file).toString();
      for (int i = 1; i < lines.size(); i++) {
        String[] fields = lines.get(i).split(",", -1);
        if (fields.length != header.size()) {
          throw new AssertionError(file + " line " + (i + 1) + " has " + fields.length + " fields: " + lines.get(i));
        }
        out.add(new Row(service, month, relative, i + 1, columns, fields));
      }
    }
    return out;
  }

  /** The table's files, service by service and month by month. */
  static List<Path> files(Path root, IdsTable table) {
    List<Path> out = new ArrayList<>();
    for (Path service : list(root)) {
      if (Files.isDirectory(service)) {
        for (Path month : list(service)) {
          out.add(month.resolve(table.fileStem() + ".csv"));
        }
      }
    }
    return out;
  }

  static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 of every file under {@code root}, by relative path. */
  static Map<String, String> hashes(Path root) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        out.put(root.relativize(p).toString(), HexFormat.of().formatHex(md.digest(Files.readAllBytes(p))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** High-intensity therapy codes, read straight from conf/therapy-codes.csv. */
  static List<String> highIntensityCodes() {
    return lines(Path.of("../conf/therapy-codes.csv")).stream()
        .filter(l -> !l.startsWith("#") && l.contains(",HIGH,"))
        .map(l -> l.substring(0, l.indexOf(',')))
        .toList();
  }
}
