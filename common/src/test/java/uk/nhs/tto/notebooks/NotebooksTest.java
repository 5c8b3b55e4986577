package uk.nhs.tto.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.analysis.AsOf;
import uk.nhs.tto.analysis.CohortAnalysis;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.ingest.Ingest;
import uk.nhs.tto.lake.Catalogue;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.subgroups.SubgroupAnalysis;
import uk.nhs.tto.testing.GeneratedExtracts;
import uk.nhs.tto.testing.SparkExtension;

/**
 * The notebooks in {@code notebooks/} are valid nbformat 4 documents and every one of their {@code %%sql} cells runs
 * against a real (small) lakehouse and returns rows, unless the cell's metadata says it may legitimately be empty.
 * One lakehouse — generated extract with defects and a refused file, ingest, derive, two analysis runs (the first
 * with subgroups and service variation) — serves every cell, so a schema change that breaks a notebook fails here.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebooksTest {

  private static final Path NOTEBOOKS = Path.of("../notebooks");

  private static final String SQL_MAGIC = "%%sql";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SparkSession spark;

  @BeforeAll
  void smallLakehouseWithTwoRuns(SparkSession session, @TempDir Path dir) throws IOException {
    spark = session;
    Path extracts = dir.resolve("extracts");
    GeneratedExtracts.generate(
        extracts, b -> b.services(3).months(15).coursesPerServiceYear(120).defectFraction(0.01).seed(11).threads(1));
    // An empty file is refused whole (SPEC §1), so meta.ingested_files has a REFUSED row for notebook 03.
    Path service;
    try (Stream<Path> folders = Files.list(extracts)) {
      service = folders.filter(Files::isDirectory).sorted().findFirst().orElseThrow();
    }
    Files.createDirectories(service.resolve("9999"));
    Files.createFile(service.resolve("9999").resolve("IDS001MPI.csv"));

    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    Settings settings = GeneratedExtracts.settings(extracts).with(Keys.LAKE, lake.root());
    Ingest.run(lake, settings, extracts.toString());
    Derive.run(lake, settings);
    SubgroupAnalysis.runWithCohortAnalysis(lake, settings, AsOf.latest(), "analyse");
    // A second, different run so that the trend and run-comparison cells have two runs to compare.
    CohortAnalysis.run(lake, settings.with(Keys.ANALYSIS_METHOD, "ML"), AsOf.latest(), "analyse --ml");
    Catalogue.registerAll(lake);
  }

  @TestFactory
  Stream<DynamicTest> everyNotebookIsNbformat4WithMarkdownAndAtLeastThreeSqlCells() {
    return notebookFiles().stream()
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> checkStructure(file)));
  }

  @TestFactory
  Stream<DynamicTest> everySqlCellRunsAndReturnsRowsUnlessAllowedToBeEmpty() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : notebookFiles()) {
      JsonNode cells = read(file).path("cells");
      for (int i = 0; i < cells.size(); i++) {
        JsonNode cell = cells.get(i);
        String source = source(cell);
        if (!isSql(cell, source)) {
          continue;
        }
        String sql = source.substring(source.indexOf(SQL_MAGIC) + SQL_MAGIC.length()).strip();
        boolean mayBeEmpty = cell.path("metadata").path("tto").path("may_be_empty").asBoolean(false);
        String where = file.getFileName() + " cell " + i;
        tests.add(DynamicTest.dynamicTest(where, () -> runCell(where, sql, mayBeEmpty)));
      }
    }
    assertThat(tests).as("SQL cells found in " + NOTEBOOKS.toAbsolutePath()).isNotEmpty();
    return tests.stream();
  }

  private void runCell(String where, String sql, boolean mayBeEmpty) {
    boolean empty;
    try {
      empty = spark.sql(sql).isEmpty();
    } catch (Exception e) {
      fail(where + " failed: " + e.getMessage() + "\n--- SQL ---\n" + sql, e);
      return;
    }
    if (empty && !mayBeEmpty) {
      fail(where + " returned no rows (mark it {\"tto\": {\"may_be_empty\": true}} if that can be right)"
          + "\n--- SQL ---\n" + sql);
    }
  }

  private static void checkStructure(Path file) {
    JsonNode nb = read(file);
    assertThat(nb.path("nbformat").asInt(-1)).as(file + " nbformat").isEqualTo(4);
    assertThat(nb.path("nbformat_minor").isInt()).as(file + " nbformat_minor is an integer").isTrue();
    assertThat(nb.path("metadata").isObject()).as(file + " has a metadata object").isTrue();
    assertThat(nb.path("cells").isArray()).as(file + " has a cells array").isTrue();
    int markdown = 0;
    int sql = 0;
    JsonNode cells = nb.path("cells");
    for (int i = 0; i < cells.size(); i++) {
      JsonNode cell = cells.get(i);
      String where = file.getFileName() + " cell " + i;
      String type = cell.path("cell_type").asText();
      assertThat(type).as(where + " cell_type").isIn("markdown", "code", "raw");
      assertThat(cell.path("metadata").isObject()).as(where + " metadata is an object").isTrue();
      JsonNode src = cell.path("source");
      assertThat(src.isTextual() || src.isArray() && allTextual(src)).as(where + " source is text or lines").isTrue();
      if (type.equals("code")) {
        assertThat(cell.path("outputs").isArray()).as(where + " code cell has outputs").isTrue();
        JsonNode count = cell.path("execution_count");
        assertThat(count.isNull() || count.isInt()).as(where + " execution_count is null or an integer").isTrue();
      } else {
        assertThat(cell.has("outputs")).as(where + " only code cells have outputs").isFalse();
      }
      markdown += type.equals("markdown") ? 1 : 0;
      sql += isSql(cell, source(cell)) ? 1 : 0;
    }
    assertThat(markdown).as(file + " markdown cells").isPositive();
    assertThat(sql).as(file + " %%sql cells").isGreaterThanOrEqualTo(3);
    JsonNode first = cells.get(0);
    assertThat(first.path("cell_type").asText()).as(file + " opens with markdown").isEqualTo("markdown");
    assertThat(source(first))
        .as(file + " first cell warns that figures are not disclosure-controlled")
        .containsIgnoringCase("not disclosure-controlled")
        .contains("scripts/tto report");
  }

  private static boolean isSql(JsonNode cell, String source) {
    return cell.path("cell_type").asText().equals("code") && source.stripLeading().startsWith(SQL_MAGIC);
  }

  private static boolean allTextual(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isTextual()) {
        return false;
      }
    }
    return true;
  }

  /** A cell's source: nbformat allows one string or a list of lines (each keeping its newline). */
  private static String source(JsonNode cell) {
    JsonNode src = cell.path("source");
    if (src.isTextual()) {
      return src.asText();
    }
    StringBuilder sb = new StringBuilder();
    src.forEach(line -> sb.append(line.asText()));
    return sb.toString();
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(file + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static List<Path> notebookFiles() {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      List<Path> found = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
      assertThat(found).as("notebooks in " + NOTEBOOKS.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(3);
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
