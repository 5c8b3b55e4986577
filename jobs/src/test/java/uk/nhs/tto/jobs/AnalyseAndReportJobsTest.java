package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.SparkExtension;

/** The analyse and report commands: thin wrappers that print the headline and write the SPEC §7 JSON. */
@ExtendWith(SparkExtension.class)
class AnalyseAndReportJobsTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void analyseThenReportPrintTheHeadlineAndWriteJsonWithSpecSevensFields(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    new GoldFixtures.Simulation().services(5, 3).clients(120, 110).distractors(10).generate(3).write(lake);
    Settings settings =
        Settings.defaults().with(Map.of(Keys.LAKE, lake.root(), Keys.REPORTS, dir.resolve("reports").toString()));

    int code = run(settings, "analyse", "--json", dir.resolve("analyse.json").toString());

    assertThat(code).isZero();
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("Depression", "Anxiety", "Social functioning", "Phobia", "95% CI");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("analyse.json").toFile());
    String runId = json.get("run_id").asText();
    assertThat(json.get("domains")).hasSize(4);
    JsonNode depression = json.get("domains").get(0);
    assertThat(depression.get("domain").asText()).isEqualTo("depression");
    for (String field : new String[] {"measure", "estimate", "se", "ci_low", "ci_high", "p"}) {
      assertThat(depression.get(field)).as(field).isNotNull();
    }
    // 120 and 110 clients: multiples of 5 already, published as they are.
    assertThat(depression.at("/cohorts/pre/n").asLong()).isEqualTo(120);
    assertThat(depression.at("/cohorts/post/n").asLong()).isEqualTo(110);
    assertThat(depression.at("/cohorts/post/mean_change").isNumber()).isTrue();

    out.reset();
    assertThat(run(settings, "report", "--json", dir.resolve("report.json").toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("report of run " + runId);
    assertThat(dir.resolve("reports").resolve(runId).resolve("index.html")).exists();
    assertThat(dir.resolve("reports").resolve(runId).resolve("did.csv")).exists();
    assertThat(new ObjectMapper().readTree(dir.resolve("report.json").toFile())).isEqualTo(json);
  }

  @Test
  void aRepeatedAnalysisIsARunOfItsOwnEachTimeWithATimedScanBeforeEach(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    new GoldFixtures.Simulation().services(4, 2).clients(60, 60).generate(5).write(lake);
    Settings settings = Settings.defaults().with(Map.of(Keys.LAKE, lake.root()));

    int code = run(settings, "analyse", "--repeat", "2", "--time-scan", "--no-subgroups");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .containsPattern("timing: run 1 of 2: scan of gold.score_pairs [0-9.]+ s, analyse [0-9.]+ s")
        .containsPattern("timing: run 2 of 2: scan of gold.score_pairs [0-9.]+ s, analyse [0-9.]+ s");
    assertThat(lake.read("results.runs").select("run_id").distinct().count()).isEqualTo(2);
    assertThat(lake.read("results.did").select("run_id").distinct().count()).isEqualTo(2);
    assertThatThrownBy(() -> run(settings, "analyse", "--repeat", "0"))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("--repeat 0 is not a number of runs");
  }

  @Test
  void analyseRefusesTwoWaysOfChoosingInputVersions() {
    Args args = Args.parse("analyse", new String[] {"--as-of-version", "1", "--as-of-run", "x"}, Main.FLAGS);

    assertThatThrownBy(() -> AnalyseJob.asOf(args))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("More than one of --as-of-version");
  }

  @Test
  void theRecordedCommandLineRepeatsTheOptionsGiven() {
    Args args = Args.parse("analyse", new String[] {"--as-of-version", "3", "--ml"}, Main.FLAGS);

    assertThat(AnalyseJob.commandLine(args)).isEqualTo("scripts/tto analyse --as-of-version 3 --ml");
  }

  private int run(Settings settings, String command, String... argv) throws Exception {
    Job job = Main.lookup(command);
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    return job.run(new JobContext(Main.parse(job, command, argv), settings, ps, ps));
  }
}
