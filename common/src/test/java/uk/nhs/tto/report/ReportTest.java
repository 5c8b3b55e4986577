package uk.nhs.tto.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.analysis.AnalysisResult;
import uk.nhs.tto.analysis.AsOf;
import uk.nhs.tto.analysis.CohortAnalysis;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.SparkExtension;

/**
 * A report generated from deliberately small data (few services, a domain with a handful of clients, a rare
 * quarantine rule) shows no count under 5 anywhere, and is one self-contained file.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportTest {

  private Lake lake;
  private Settings settings;
  private AnalysisResult run;
  private String html;
  private String csv;
  private Path csvPath;

  @BeforeAll
  void smallLakeAndItsReport(SparkSession spark, @TempDir Path dir) throws Exception {
    lake = new Lake(spark, dir.resolve("lake").toString());
    settings =
        Settings.defaults().with(Map.of(Keys.LAKE, lake.root(), Keys.REPORTS, dir.resolve("reports").toString()));
    // 3 services; 40 pre and 22 post courses; WSAS paired for ~1/2 (post cohort near the minimum of 10),
    // phobia for ~1/12 (a few clients per cohort).
    new GoldFixtures.Simulation()
        .services(3, 2)
        .clients(40, 22)
        .distractors(8)
        .pairedShare(Map.of("PHQ9", 1.0, "GAD7", 0.9, "WSAS", 0.5, "PHOBIA", 0.08))
        .generate(7)
        .write(lake);
    lake.append(
        "quarantine.ids607codedscoreassessmentact",
        spark.createDataFrame(
            List.of(
                RowFactory.create("ingest", "STRUCT_BAD_INTEGER"),
                RowFactory.create("derive", "ROW_SCORE_OUT_OF_RANGE"),
                RowFactory.create("derive", "ROW_SCORE_OUT_OF_RANGE")),
            DataTypes.createStructType(
                List.of(
                    DataTypes.createStructField("stage", DataTypes.StringType, true),
                    DataTypes.createStructField("rule", DataTypes.StringType, true)))));
    run = CohortAnalysis.run(lake, settings, AsOf.latest(), "analyse");
    Path index = Report.write(lake, settings, null);
    assertThat(index).isEqualTo(dir.resolve("reports").resolve(run.runId()).resolve("index.html"));
    html = Files.readString(index, StandardCharsets.UTF_8);
    csvPath = index.resolveSibling("did.csv");
    csv = Files.readString(csvPath, StandardCharsets.UTF_8);
  }

  @Test
  void noCountCellOfTheHtmlHoldsANumberUnderFive() {
    List<String> cells = new ArrayList<>();
    Matcher m = Pattern.compile("<td class=\"[^\"]*count[^\"]*\">([^<]*)</td>").matcher(html);
    while (m.find()) {
      cells.add(m.group(1));
    }
    // Clients pre/post per domain (headline and cohort table), services and therapists, groups, observations,
    // quarantine rows: there must be many.
    assertThat(cells).hasSizeGreaterThan(30);
    assertThat(cells).allSatisfy(ReportTest::isPublishableCount);
    assertThat(cells).contains("*");
  }

  @Test
  void noCountColumnOfTheCsvHoldsANumberUnderFive(SparkSession spark) {
    // Read back with Spark's CSV reader, a parser independent of the code that wrote the file.
    List<Row> rows =
        spark.read().option("header", "true").option("multiLine", "true").csv(csvPath.toString()).collectAsList();

    assertThat(rows).hasSize(4);
    for (Row r : rows) {
      isPublishableCount(r.getAs("n_pre"));
      isPublishableCount(r.getAs("n_post"));
    }
  }

  @Test
  void theSmallestDomainIsWithheldWithItsReason() {
    assertThat(html).contains("Phobia: withheld, fewer than 10 clients");
    assertThat(csv).contains("Phobia: withheld, fewer than 10 clients");
  }

  @Test
  void thePageIsSelfContained() {
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").endsWith("</html>\n");
    assertThat(html).doesNotContain("<script", "<link", "src=", "@import", "url(");
    // The only URL is the SVG namespace, which browsers never fetch.
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http:", "https:");
  }

  @Test
  void theReportShowsModelDetailsQualityAndProvenance() {
    assertThat(html)
        .contains("Depression \u2212")
        .contains("score ~ time * cohort + (1 | service/therapist/client)")
        .contains("REML criterion")
        .contains("ROW_SCORE_OUT_OF_RANGE")
        .contains(run.runId())
        .contains(run.run().configSha256())
        .contains("gold.score_pairs");
  }

  @Test
  void aReportOfAnUnknownRunSaysHowToListRuns() {
    assertThatThrownBy(() -> Report.write(lake, settings, "no-such-run"))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("Run 'no-such-run' is not in results.runs");
  }

  /** A published count: {@code *} or a multiple of 5 that is at least 5. */
  static void isPublishableCount(String cell) {
    if (cell.equals("*")) {
      return;
    }
    assertThat(cell).as("count cell").matches("[0-9]+");
    long n = Long.parseLong(cell);
    assertThat(n).as("published count").isGreaterThanOrEqualTo(5);
    assertThat(n % 5).as("published count rounded to 5").isZero();
  }
}
