package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.ingest.IdsTable;

/**
 * {@code --defects}: defective rows are added next to an otherwise identical clean extract, and each is found in
 * the files, by a reading that knows only the SPEC's quarantine rules, under the kind generator.json counts.
 */
class DefectsTest {

  @TempDir
  static Path tmp;

  static Path clean;
  static Path defective;
  static GenerationSummary summary;
  /** Defect rows found in the files, by kind label. */
  static final Map<String, Integer> FOUND = new TreeMap<>();
  static long cleanRows;

  @BeforeAll
  static void generate() {
    clean = tmp.resolve("clean");
    defective = tmp.resolve("defective");
    Generator.generate(Extracts.small(clean).build(), line -> { });
    summary = Generator.generate(Extracts.small(defective).defectFraction(0.03).build(), line -> { });
    classifyExtraRows();
  }

  /** Lines of the defective extract that the clean one lacks, classified by the first SPEC rule they break. */
  private static void classifyExtraRows() {
    Set<String> pathways = new HashSet<>();
    for (Path f : Extracts.files(clean, IdsTable.IDS101Referral)) {
      for (String line : Extracts.lines(f).subList(1, Extracts.lines(f).size())) {
        pathways.add(line.split(",", -1)[3]);
      }
    }
    for (IdsTable t : IdsTable.values()) {
      List<String> header = new ArrayList<>(t.required().keySet());
      for (Path f : Extracts.files(clean, t)) {
        List<String> cleanLines = Extracts.lines(f);
        List<String> defectiveLines = Extracts.lines(defective.resolve(clean.relativize(f)));
        cleanRows += cleanLines.size() - 1;
        int month = Integer.parseInt(f.getParent().getFileName().toString());
        for (String extra : extraLines(cleanLines, defectiveLines)) {
          FOUND.merge(kind(t, header, extra.split(",", -1), month, pathways, cleanLines.contains(extra)), 1,
              Integer::sum);
        }
      }
    }
  }

  /** The defective file must be the clean file with lines inserted; returns the inserted lines. */
  private static List<String> extraLines(List<String> cleanLines, List<String> defectiveLines) {
    List<String> extra = new ArrayList<>();
    int c = 0;
    for (String line : defectiveLines) {
      if (c < cleanLines.size() && line.equals(cleanLines.get(c))) {
        c++;
      } else {
        extra.add(line);
      }
    }
    assertThat(c).as("every clean line is kept, in order").isEqualTo(cleanLines.size());
    return extra;
  }

  private static String kind(IdsTable t, List<String> header, String[] f, int month, Set<String> pathways,
      boolean copy) {
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      row.put(header.get(i), f[i]);
    }
    if (Integer.parseInt(row.get("Unique_MonthID")) != month) {
      return "month_mismatch";
    }
    if (copy) {
      return "duplicate_id";
    }
    for (String col : header) {
      if (t.required().get(col).name().equals("DATE") && !row.get(col).isEmpty()) {
        try {
          LocalDate.parse(row.get(col));
        } catch (DateTimeParseException e) {
          return "bad_date";
        }
      }
    }
    if (row.containsKey("PersScore")) {
      String score = row.get("PersScore");
      if (!score.matches("-?\\d+")) {
        return "non_numeric_score";
      }
      int v = Integer.parseInt(score);
      if (v < 0 || v > 27) {
        return "out_of_range_score";
      }
    }
    if (!pathways.contains(row.get("PathwayID"))) {
      return "orphan";
    }
    return "not a defect: " + String.join(",", f);
  }

  @Test
  void everyDefectKindIsInTheFilesAsOftenAsGeneratorJsonCountsIt() throws IOException {
    JsonNode byKind = new ObjectMapper().readTree(defective.resolve("generator.json").toFile())
        .path("defects").path("by_kind");
    Map<String, Integer> counted = new TreeMap<>();
    byKind.fields().forEachRemaining(e -> counted.put(e.getKey(), e.getValue().asInt()));

    assertThat(counted).containsOnlyKeys("bad_date", "non_numeric_score", "out_of_range_score", "orphan",
        "duplicate_id", "month_mismatch");
    assertThat(counted.values()).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(FOUND).isEqualTo(counted);
  }

  @Test
  void defectsComeAtAboutTheRequestedFraction() {
    long defects = FOUND.values().stream().mapToLong(Integer::longValue).sum();
    assertThat(defects).isEqualTo(summary.defects());
    // 3% of clean rows, give or take sampling (several thousand rows: SD of the share about 0.2 points).
    assertThat((double) defects / cleanRows).isBetween(0.025, 0.035);
  }

  @Test
  void aCleanExtractCountsNoDefects() throws IOException {
    JsonNode defects = new ObjectMapper().readTree(clean.resolve("generator.json").toFile()).path("defects");
    assertThat(defects.path("total").asLong()).isZero();
    assertThat(defects.path("fraction").asDouble()).isZero();
  }
}
