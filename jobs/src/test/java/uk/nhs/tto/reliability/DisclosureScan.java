package uk.nhs.tto.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads every count that an output carries out of the lakehouse and checks it against SPEC §6: a count is
 * published as {@code *} (under 5) or rounded to a multiple of 5, or withheld; a rate below national level is a
 * whole percentage or {@code *}. National totals are exempt from rounding (SPEC §7) but not from suppression: a
 * national count is {@code *} or at least 5. Row counts of tables (rows read, quarantined) count records, not
 * people, and are not checked (README, "Reliability and data protection"). Each scanner returns the problems it
 * found and counts the cells it checked, so a test can tell a clean output from one the scanner did not
 * understand.
 */
final class DisclosureScan {

  /** Printed-table columns that hold counts of people or courses. */
  static final Set<String> COUNT_COLUMNS = Set.of("n pre", "n post", "finished", "at caseness");

  /** Printed-table columns that hold rates. */
  static final Set<String> RATE_COLUMNS =
      Set.of("recovery", "reliable improvement", "reliable deterioration", "reliable recovery");

  /** CSV columns that hold counts of people, courses or clients. */
  static final Set<String> CSV_COUNT_COLUMNS = Set.of("n_pre", "n_post", "clients_pre", "clients_post", "denominator");

  /** CSV columns that hold rates. */
  static final Set<String> CSV_RATE_COLUMNS = Set.of("rate");

  /** A CSV column named like a count: it must be one the scan knows, or the scan would miss it. */
  private static final Pattern COUNT_LIKE =
      Pattern.compile("(?i)n|n_.+|.+_n|.*clients.*|.*count.*|.*numerator.*|.*denominator.*|.*patients.*|.*courses.*");

  private static final Pattern HTML_COUNT =
      Pattern.compile("<td class=\"[^\"]*\\bcount\\b[^\"]*\">([^<]*)</td>");

  /** Cohort sizes in plot labels and notes: {@code pre 15 · post 20}. */
  private static final Pattern HTML_COHORT_SIZES = Pattern.compile("\\bpre ([^ <·]+) · post ([^ <·]+)");

  private final List<String> problems = new ArrayList<>();
  private int checked;
  private int suppressed;

  List<String> problems() {
    return problems;
  }

  /** Count cells checked so far. */
  int checked() {
    return checked;
  }

  /** Of those, how many were published as {@code *}. */
  int suppressed() {
    return suppressed;
  }

  /**
   * Every {@code <td class="… count">} of a report (the report marks each count cell so) and every cohort size
   * in a plot label ({@code pre 15 · post 20}).
   */
  DisclosureScan html(String where, String html) {
    Matcher m = HTML_COUNT.matcher(html);
    while (m.find()) {
      count(where, m.group(1).trim());
    }
    Matcher sizes = HTML_COHORT_SIZES.matcher(html);
    while (sizes.find()) {
      count(where + " plot label", sizes.group(1));
      count(where + " plot label", sizes.group(2));
    }
    return this;
  }

  /**
   * The count and rate columns of a CSV ({@link #CSV_COUNT_COLUMNS}, {@link #CSV_RATE_COLUMNS}); a column named
   * like a count that the scan does not know is a problem, so a new output cannot slip past unchecked.
   */
  DisclosureScan csv(String where, String csv) {
    String[] lines = csv.split("\r?\n");
    List<String> header = CsvLine.split(lines[0]);
    for (String column : header) {
      if (COUNT_LIKE.matcher(column).matches() && !CSV_COUNT_COLUMNS.contains(column)) {
        problems.add(where + ": column '" + column + "' looks like a count but the scan does not check it");
      }
    }
    for (int i = 1; i < lines.length; i++) {
      List<String> cells = CsvLine.split(lines[i]);
      for (int c = 0; c < header.size() && c < cells.size(); c++) {
        String at = where + " line " + (i + 1) + " " + header.get(c);
        if (CSV_COUNT_COLUMNS.contains(header.get(c))) {
          count(at, cells.get(c));
        } else if (CSV_RATE_COLUMNS.contains(header.get(c))) {
          rate(at, cells.get(c));
        }
      }
    }
    return this;
  }

  /** An output the scan cannot read: a problem, so that no kind of output goes unchecked. */
  DisclosureScan unknown(String where) {
    problems.add(where + ": an output of a kind the scan does not read (add a scanner for it)");
    return this;
  }

  /** SPEC §7 summaries: every {@code domains[].cohorts.<cohort>.n} (null when suppressed). */
  DisclosureScan json(String where, String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      problems.add(where + " is not JSON: " + e.getMessage());
      return this;
    }
    root.path("key_metrics").fields().forEachRemaining(f ->
        national(where + " key_metrics." + f.getKey(), f.getValue().isNull() ? "*" : f.getValue().asText()));
    for (JsonNode domain : root.path("domains")) {
      domain.path("cohorts").fields().forEachRemaining(cohort -> {
        JsonNode n = cohort.getValue().path("n");
        count(where + " " + domain.path("domain").asText() + "/" + cohort.getKey() + ".n",
            n.isNull() || n.isMissingNode() ? "*" : n.asText());
      });
    }
    return this;
  }

  /**
   * Tables printed by {@code scripts/tto} (a header line, a line of dashes under each column, then rows): the
   * count and rate columns of every row not marked national.
   */
  DisclosureScan printedTables(String where, String text) {
    String[] lines = text.split("\r?\n");
    for (int i = 1; i < lines.length; i++) {
      if (!lines[i].matches("-+( {2}-+)*\\s*")) {
        continue;
      }
      List<int[]> spans = new ArrayList<>();
      Matcher dashes = Pattern.compile("-+").matcher(lines[i]);
      while (dashes.find()) {
        spans.add(new int[] {dashes.start(), dashes.end()});
      }
      List<String> header = cells(lines[i - 1], spans);
      for (int r = i + 1; r < lines.length && !lines[r].isBlank(); r++) {
        List<String> row = cells(lines[r], spans);
        boolean nationalRow = row.get(0).toLowerCase(Locale.ROOT).contains("national");
        for (int c = 0; c < header.size(); c++) {
          String column = header.get(c);
          String at = where + " line " + (r + 1) + " '" + column + "'";
          if (COUNT_COLUMNS.contains(column) && nationalRow) {
            national(at, row.get(c));
          } else if (COUNT_COLUMNS.contains(column)) {
            count(at, row.get(c));
          } else if (RATE_COLUMNS.contains(column) && !nationalRow) {
            rate(at, row.get(c));
          }
        }
      }
    }
    return this;
  }

  /** derive's printed line {@code national key metrics: finished 1,234, at caseness *, …}: national counts. */
  DisclosureScan printedNationalMetrics(String where, String text) {
    Matcher line = Pattern.compile("national key metrics: (.*)").matcher(text);
    while (line.find()) {
      Matcher pair = Pattern.compile("([a-z ]+?) ([0-9,]+|\\*)(?:,|$)").matcher(line.group(1).trim());
      while (pair.find()) {
        national(where + " national key metrics '" + pair.group(1).trim() + "'", pair.group(2));
      }
    }
    return this;
  }

  /** A national total: exact, but {@code *} under 5. */
  private void national(String where, String cell) {
    checked++;
    if (cell.equals("*")) {
      suppressed++;
      return;
    }
    try {
      if (Long.parseLong(cell.replace(",", "")) < 5) {
        problems.add(where + ": national count " + cell + " is under 5 and not *");
      }
    } catch (NumberFormatException e) {
      problems.add(where + ": '" + cell + "' is not a published count");
    }
  }

  private void count(String where, String cell) {
    checked++;
    if (cell.equals("*")) {
      suppressed++;
      return;
    }
    if (cell.isEmpty() || cell.equals("withheld")) {
      return;
    }
    try {
      long n = Long.parseLong(cell.replace(",", ""));
      if (n < 5 || n % 5 != 0) {
        problems.add(where + ": count " + cell + " is neither * nor rounded to 5");
      }
    } catch (NumberFormatException e) {
      problems.add(where + ": '" + cell + "' is not a published count");
    }
  }

  private void rate(String where, String cell) {
    if (!cell.equals("*") && !cell.isEmpty() && !cell.matches("\\d{1,3}%")) {
      problems.add(where + ": rate " + cell + " is neither * nor a whole percentage");
    }
  }

  /** A printed line's cells under each column's dashes (cells are padded to the column's width). */
  private static List<String> cells(String line, List<int[]> spans) {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < spans.size(); k++) {
      int from = Math.min(spans.get(k)[0], line.length());
      int to = k + 1 < spans.size() ? Math.min(spans.get(k + 1)[0], line.length()) : line.length();
      out.add(line.substring(from, Math.max(from, to)).trim());
    }
    return out;
  }
}
