package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.testing.SparkExtension;

/** {@code scripts/tto lmm} writes the SPEC §7 JSON with lme4's numbers and refuses bad input with a clear message. */
@ExtendWith(SparkExtension.class)
class LmmJobTest {

  private static Path reference(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("shared/reference/lme4"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("shared/reference/lme4 not found above " + Path.of("").toAbsolutePath());
    }
    return dir.resolve("shared/reference/lme4").resolve(name);
  }

  @Test
  void fitsPastesByMlAndWritesSpecJson(SparkSession spark, @TempDir Path tmp) throws Exception {
    Path json = tmp.resolve("out/fit.json");
    int code = Main.run(new String[] {"lmm", "--data", reference("Pastes.csv").toString(), "--formula",
        "strength ~ 1 + (1|batch/cask)", "--ml", "--json", json.toString()});
    assertThat(code).isZero();
    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertThat(j.get("formula").asText()).isEqualTo("strength ~ 1 + (1|batch/cask)");
    assertThat(j.get("method").asText()).isEqualTo("ML");
    assertThat(j.get("n_obs").asLong()).isEqualTo(60);
    assertThat(j.get("groups").get("cask:batch").asLong()).isEqualTo(30);
    assertThat(j.get("groups").get("batch").asLong()).isEqualTo(10);
    JsonNode intercept = j.get("fixed").get(0);
    assertThat(intercept.get("term").asText()).isEqualTo("(Intercept)");
    // lme4 ML (expected.json): estimate 60.05333333, SE 0.6421358939, df 10.0; deviance 247.9944659.
    assertThat(intercept.get("estimate").asDouble()).isCloseTo(60.05333333, within(1e-6));
    assertThat(intercept.get("se").asDouble()).isCloseTo(0.6421358939, within(1e-4 * 0.642));
    assertThat(intercept.get("df").asDouble()).isCloseTo(10.0, within(1e-3));
    for (String f : new String[] {"t", "p", "ci_low", "ci_high"}) {
      assertThat(intercept.has(f)).as(f).isTrue();
    }
    assertThat(j.get("random").get(1).get("group").asText()).isEqualTo("batch");
    assertThat(j.get("random").get(1).get("sd").asDouble()).isCloseTo(1.0950703715, within(1e-4 * 1.095));
    assertThat(j.get("residual_sd").asDouble()).isCloseTo(0.8234088395, within(1e-4 * 0.823));
    assertThat(j.get("criterion").asDouble()).isCloseTo(247.9944659, within(1e-4 * 248));
    assertThat(j.get("converged").asBoolean()).isTrue();
    assertThat(j.get("timing").has("aggregate_seconds")).isTrue();
    assertThat(j.get("timing").has("optimise_seconds")).isTrue();
  }

  @Test
  void aCommandThatUsesNoTablesCreatesNothingAtTheLake(SparkSession spark, @TempDir Path tmp) {
    Path lake = tmp.resolve("lake");
    int code = Main.run(new String[] {"lmm", "--data", reference("Dyestuff.csv").toString(), "--formula",
        "Yield ~ 1 + (1|Batch)", "--lake", lake.toString()});

    assertThat(code).isZero();
    // No table catalogue (an embedded metastore would live in <lake>/_metastore): lmm only reads --data.
    assertThat(lake).doesNotExist();
  }

  @Test
  void aFormulaNamingAMissingColumnFailsWithUsageExitCode(SparkSession spark) {
    int code = Main.run(new String[] {"lmm", "--data", reference("Dyestuff.csv").toString(), "--formula",
        "Yield ~ Temperature + (1|Batch)"});
    assertThat(code).isEqualTo(TtoException.USAGE);
  }
}
