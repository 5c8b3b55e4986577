package uk.nhs.tto.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import uk.nhs.tto.errors.TtoException;

/**
 * Reads the small CSV files people edit by hand in {@code conf/} (measure catalogue, therapy codes, cohorts):
 * a fixed header, {@code #} comment and blank lines skipped, a byte-order mark tolerated, and every error
 * naming the file and line so that the person who edited it can find the mistake.
 */
public final class ConfCsv {

  /** One data line: its 1-based physical line number and its trimmed fields (in header order). */
  public record Line(Path file, int number, List<String> fields) {

    public String field(int index) {
      return fields.get(index);
    }

    /** An error about this line: what is wrong, and how to fix it. */
    public TtoException error(String what, String fix) {
      return TtoException.of(file + " line " + number + ": " + what, null, fix);
    }

    /** The field as a whole number, or an error naming the column. */
    public int integer(int index, String column) {
      String v = field(index);
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw error(column + " '" + v + "' is not a whole number", "write a whole number such as 3");
      }
    }

    /** The field as a whole number, or null when it is empty. */
    public Integer optionalInteger(int index, String column) {
      return field(index).isEmpty() ? null : integer(index, column);
    }
  }

  private ConfCsv() {}

  /**
   * The data lines of {@code file}, whose first non-comment line must be exactly {@code header}
   * (column names compared without regard to case or surrounding spaces).
   */
  public static List<Line> read(Path file, List<String> header, String what) {
    List<String> raw;
    try {
      raw = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw TtoException.of(
          "Cannot read the " + what + " " + file,
          e.toString(),
          "check the path (relative paths are taken from the working directory) and that the file is UTF-8",
          e);
    }
    List<Line> lines = new ArrayList<>();
    boolean headerSeen = false;
    for (int i = 0; i < raw.size(); i++) {
      String text = i == 0 && raw.get(0).startsWith("\uFEFF") ? raw.get(0).substring(1) : raw.get(i);
      if (text.isBlank() || text.stripLeading().startsWith("#")) {
        continue;
      }
      Line line = new Line(file, i + 1, split(text));
      if (!headerSeen) {
        checkHeader(line, header, what);
        headerSeen = true;
        continue;
      }
      if (line.fields().size() != header.size()) {
        throw line.error(
            "has " + line.fields().size() + " fields where the header has " + header.size(),
            "write one value per column (" + String.join(",", header) + "); leave optional values empty");
      }
      lines.add(line);
    }
    if (!headerSeen) {
      throw TtoException.of(
          "The " + what + " " + file + " has no header line",
          "its first line must be " + String.join(",", header),
          "add that header line above the data");
    }
    return lines;
  }

  private static void checkHeader(Line line, List<String> header, String what) {
    List<String> got = line.fields().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    List<String> want = header.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    if (!got.equals(want)) {
      throw line.error(
          "the header of the " + what + " is '" + String.join(",", line.fields()) + "'",
          "it must be exactly " + String.join(",", header));
    }
  }

  /** Splits on commas; a field may be double-quoted (with {@code ""} for a quote) to hold a comma. */
  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(field.toString().trim());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    out.add(field.toString().trim());
    return out;
  }
}
