package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

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
import uk.nhs.tto.analysis.RunsTable;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.subgroups.SubgroupTable;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.SparkExtension;
import uk.nhs.tto.variation.ServiceVariationTable;

/**
 * Subgroups as commands: {@code analyse --no-subgroups} leaves them out, {@code subgroups} adds them to that run
 * (its recorded inputs, its id), and {@code report} then links the subgroup and variation pages from index.html.
 */
@ExtendWith(SparkExtension.class)
class SubgroupsJobTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void subgroupsAddToAnAnalyseRunAndTheReportLinksTheirPages(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    new GoldFixtures.Simulation().services(5, 3).clients(120, 110).distractors(10).generate(3).write(lake);
    Settings settings = Settings.defaults().with(Map.of(Keys.LAKE, lake.root(), Keys.REPORTS,
        dir.resolve("reports").toString(), Keys.SUBGROUPS_DIMENSIONS, "personality,gender,service"));

    assertThat(run(settings, "analyse", "--no-subgroups")).isZero();
    String runId = RunsTable.latest(lake).orElseThrow();
    assertThat(lake.exists(SubgroupTable.NAME)).isFalse();

    assertThat(run(settings, "subgroups")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("subgroup analyses of run " + runId)
        .contains("personality").contains("service");
    assertThat(lake.read(SubgroupTable.NAME).where(col("run_id").equalTo(runId)).count()).isPositive();
    assertThat(lake.read(ServiceVariationTable.NAME).where(col("run_id").equalTo(runId)).count()).isPositive();

    assertThat(run(settings, "report")).isZero();
    Path report = dir.resolve("reports").resolve(runId);
    assertThat(Files.readString(report.resolve("index.html"))).contains("href=\"subgroups.html\"")
        .contains("href=\"variation.html\"");
    assertThat(report.resolve("subgroups.html")).exists();
    assertThat(report.resolve("variation.html")).exists();
  }

  private int run(Settings settings, String command, String... argv) throws Exception {
    Job job = Main.lookup(command);
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    return job.run(new JobContext(Main.parse(job, command, argv), settings, ps, ps));
  }
}
