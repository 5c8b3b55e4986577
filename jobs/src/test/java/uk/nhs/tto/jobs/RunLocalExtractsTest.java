package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.generate.Generator;

/** run-local reuses ./extracts only when they are what it would generate now. */
class RunLocalExtractsTest {

  @TempDir
  Path tmp;

  private Path summary(String scale, long seed, double defects, String model) throws IOException {
    Path file = tmp.resolve(scale + seed + defects + model.hashCode() + ".json");
    Files.writeString(file, "{\"options\": {\"scale\": \"" + scale + "\", \"seed\": " + seed
        + ", \"defect_fraction\": " + defects + "}, \"planted\": {\"model\": " + model + "}}");
    return file;
  }

  @Test
  void extractsOfTheSameSeedAndScoreModelAreReused() throws IOException {
    String current = "{\"version\": " + Generator.MODEL_VERSION + "}";
    assertThat(RunLocalJob.sameDefaultOptions(summary("run-local", 1, 0.0, current), 1)).isTrue();
    assertThat(RunLocalJob.sameDefaultOptions(summary("run-local", 2, 0.0, current), 1)).isFalse();
    assertThat(RunLocalJob.sameDefaultOptions(summary("national", 1, 0.0, current), 1)).isFalse();
    assertThat(RunLocalJob.sameDefaultOptions(summary("run-local", 1, 0.02, current), 1)).isFalse();
  }

  @Test
  void extractsOfAnotherScoreModelAreGeneratedAgain() throws IOException {
    // The first model's generator.json had no version; any other version gives other scores for the seed too.
    assertThat(RunLocalJob.sameDefaultOptions(summary("run-local", 1, 0.0, "{\"formula\": \"...\"}"), 1)).isFalse();
    String other = "{\"version\": " + (Generator.MODEL_VERSION + 1) + "}";
    assertThat(RunLocalJob.sameDefaultOptions(summary("run-local", 1, 0.0, other), 1)).isFalse();
  }
}
