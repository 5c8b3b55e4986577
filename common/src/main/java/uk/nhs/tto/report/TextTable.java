package uk.nhs.tto.report;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table for terminals: a header, aligned columns, numbers right-aligned. */
public final class TextTable {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public TextTable(List<String> header) {
    this.header = List.copyOf(header);
  }

  public TextTable(String... header) {
    this(List.of(header));
  }

  /** Adds a row; {@code null} cells print as empty. */
  public TextTable row(List<?> cells) {
    if (cells.size() != header.size()) {
      throw new IllegalArgumentException(
          "Row has " + cells.size() + " cells but the table has " + header.size() + " columns: " + cells);
    }
    List<String> r = new ArrayList<>(cells.size());
    for (Object c : cells) {
      r.add(c == null ? "" : c.toString());
    }
    rows.add(r);
    return this;
  }

  public TextTable row(Object... cells) {
    return row(List.of(cells));
  }

  public int size() {
    return rows.size();
  }

  @Override
  public String toString() {
    int n = header.size();
    int[] width = new int[n];
    boolean[] numeric = new boolean[n];
    for (int i = 0; i < n; i++) {
      width[i] = header.get(i).length();
      numeric[i] = !rows.isEmpty();
    }
    for (List<String> r : rows) {
      for (int i = 0; i < n; i++) {
        width[i] = Math.max(width[i], r.get(i).length());
        if (!r.get(i).isEmpty() && !looksNumeric(r.get(i))) {
          numeric[i] = false;
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, width, new boolean[n]);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
    }
    sb.append('\n');
    for (List<String> r : rows) {
      line(sb, r, width, numeric);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] right) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      String pad = " ".repeat(width[i] - c.length());
      sb.append(i == 0 ? "" : "  ").append(right[i] ? pad + c : c + (i == cells.size() - 1 ? "" : pad));
    }
    sb.append('\n');
  }

  private static boolean looksNumeric(String s) {
    return s.matches("[-+−]?[0-9.,%*]+( \\(.*\\))?") || s.equals("*");
  }
}
