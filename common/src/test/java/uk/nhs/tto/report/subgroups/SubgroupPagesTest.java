package uk.nhs.tto.report.subgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.analysis.AnalysisConfig;
import uk.nhs.tto.disclosure.Disclosure;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.subgroups.Dimension;
import uk.nhs.tto.subgroups.LevelEstimate;
import uk.nhs.tto.subgroups.SubgroupAnalysis;
import uk.nhs.tto.subgroups.SubgroupConfig;
import uk.nhs.tto.subgroups.SubgroupResult;
import uk.nhs.tto.subgroups.SubgroupTable;
import uk.nhs.tto.subgroups.simulate.GoldSimulation;
import uk.nhs.tto.testing.SparkExtension;
import uk.nhs.tto.variation.ServiceVariationTable;

/**
 * The subgroup and variation pages of a run with deliberately small groups (six services of 2 × 7 courses, rare
 * personality difficulty): no count under 5 reaches a page or CSV, small levels' estimates are withheld with the
 * reason, the plots are inline SVG, and the tables round-trip and are replaced, not duplicated, on a re-run.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubgroupPagesTest {

  private static final String RUN = "20240101T000000Z-abcdef";

  private Lake lake;
  private SubgroupResult result;
  private Path dir;

  @BeforeAll
  void writePages(SparkSession spark, @TempDir Path tmp) throws IOException {
    lake = new Lake(spark, tmp.resolve("lake").toString());
    List<GoldSimulation.Course> courses = GoldSimulation.courses(new GoldSimulation.Params(6, 2, 7, 0.08, 1.0, 0.15,
        0.0, Map.of("WSAS", 0.0, "PHOBIA", 0.0, "GAD7", 0.0), 3));
    result = SubgroupAnalysis.analyse(GoldSimulation.coursesTable(spark, courses),
        GoldSimulation.scorePairsTable(spark, courses), AnalysisConfig.defaults(), SubgroupConfig.defaults());
    SubgroupAnalysis.write(lake, RUN, result);
    SubgroupAnalysis.write(lake, RUN, result);
    dir = tmp.resolve("reports").resolve(RUN);
    List<SubgroupPages.Page> pages = SubgroupPages.write(lake, RUN, Disclosure.defaults(), dir);
    assertThat(pages).extracting(SubgroupPages.Page::file).containsExactly("subgroups.html", "variation.html");
  }

  @Test
  void noPublishedCountIsUnderFiveAndEveryCountIsRoundedToFive() throws IOException {
    List<String> counts = new ArrayList<>();
    for (String page : List.of("subgroups.html", "variation.html")) {
      Matcher m = Pattern.compile("class=\"num count\">([^<]*)<").matcher(Files.readString(dir.resolve(page)));
      while (m.find()) {
        counts.add(m.group(1));
      }
    }
    counts.addAll(csvColumn("subgroups.csv", "clients_pre"));
    counts.addAll(csvColumn("subgroups.csv", "clients_post"));
    counts.addAll(csvColumn("service_variation.csv", "clients_pre"));
    counts.addAll(csvColumn("service_variation.csv", "denominator"));
    assertThat(counts).isNotEmpty().contains("*");
    for (String c : counts) {
      if (!c.isEmpty() && !c.equals("*")) {
        assertThat(Long.parseLong(c)).as(c).isGreaterThanOrEqualTo(5).matches(n -> n % 5 == 0, "multiple of 5");
      }
    }
    // The funnel sections' own counts of services shown and hidden follow the same rule.
    Matcher m = Pattern.compile("Services shown: ([^;]*); not shown \\(small counts\\): ([^.]*)\\.")
        .matcher(Files.readString(dir.resolve("variation.html")));
    assertThat(m.find()).isTrue();
    for (String c : List.of(m.group(1), m.group(2))) {
      assertThat(c.equals("*") || Long.parseLong(c) % 5 == 0).as(c).isTrue();
    }
  }

  @Test
  void smallLevelsEstimatesAreWithheldWithTheReason() throws IOException {
    LevelEstimate small = result.levels().stream()
        .filter(l -> l.dimension() != Dimension.ALL && l.did() != null)
        .filter(l -> Math.min(l.cohorts().pre().clients(), l.cohorts().post().clients()) < 10)
        .findFirst().orElseThrow();
    String csv = Files.readString(dir.resolve("subgroups.csv"));
    String line = csv.lines().filter(x -> x.startsWith(small.domain() + "," + small.measure() + ","
        + small.dimension().id() + "," + small.level() + ",")).findFirst().orElseThrow();
    assertThat(line).contains("withheld: fewer than 10 clients in a cohort")
        .doesNotContain(String.format(java.util.Locale.ROOT, "%.4f", small.did().estimate()));
    assertThat(Files.readString(dir.resolve("subgroups.html"))).contains("withheld: fewer than 10 clients");
  }

  @Test
  void pagesAreSelfContainedWithInlineSvgPlots() throws IOException {
    for (String page : List.of("subgroups.html", "variation.html")) {
      String html = Files.readString(dir.resolve(page));
      assertThat(html).contains("<svg").contains("href=\"index.html\"").doesNotContain("<script")
          .doesNotContain("<link").doesNotContain("src=\"");
      assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://").doesNotContain("https://");
    }
    assertThat(Files.readString(dir.resolve("variation.html"))).contains("Recovery rate: funnel plot")
        .contains("Reliable improvement rate: funnel plot").contains("99.8% limits");
  }

  @Test
  void tablesRoundTripAndAReRunReplacesTheRunsRows() {
    SubgroupTable.Contents back = SubgroupTable.read(lake, RUN);
    assertThat(back.levels()).hasSize(result.levels().size());
    assertThat(back.tests()).hasSize(result.tests().size());
    for (int i = 0; i < back.levels().size(); i++) {
      LevelEstimate a = result.levels().get(i);
      LevelEstimate b = back.levels().get(i);
      assertThat(b.key()).isEqualTo(a.key());
      assertThat(b.cohorts()).isEqualTo(a.cohorts());
      assertThat(b.did()).isEqualTo(a.did());
    }
    assertThat(lake.read(SubgroupTable.NAME).count()).isEqualTo(result.levels().size());
    ServiceVariationTable.Contents v = ServiceVariationTable.read(lake, RUN);
    assertThat(v.effects()).hasSize(result.services().size());
    assertThat(v.funnels()).hasSize(result.funnels().size());
  }

  private List<String> csvColumn(String file, String column) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve(file));
    List<String> header = List.of(lines.get(0).split(","));
    int at = header.indexOf(column);
    List<String> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      // Cells with commas are quoted; the count columns come before any quoted cell in these files.
      out.add(line.split(",", -1)[at]);
    }
    return out;
  }
}
