package uk.nhs.tto.reliability;

import java.util.ArrayList;
import java.util.List;

/** Splits one CSV line into values (RFC 4180 quotes within the line), for tests that read manifests and outputs. */
public final class CsvLine {

  private CsvLine() {}

  /** The line's values; a value may be double-quoted, with a quote inside it doubled. */
  public static List<String> split(String line) {
    List<String> values = new ArrayList<>();
    StringBuilder value = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          value.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          value.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        values.add(value.toString());
        value.setLength(0);
      } else {
        value.append(c);
      }
    }
    values.add(value.toString());
    return values;
  }
}
