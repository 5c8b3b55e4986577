package uk.nhs.tto.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.generate.Domain;
import uk.nhs.tto.generate.GeneratorOptions;
import uk.nhs.tto.generate.Scale;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.pipeline.Pipeline;
import uk.nhs.tto.testing.GeneratedExtracts;
import uk.nhs.tto.testing.SparkExtension;

/**
 * End to end at the seed study's size: extracts generated with the seed study's effects planted (SPEC §5's
 * published table) go through ingest and derive, and each domain's 95% interval from the analysis contains the
 * planted value. Heavy (several minutes: thousands of extract files), so run with {@code -Dgroups=heavy}.
 */
@Tag("heavy")
@ExtendWith(SparkExtension.class)
class GeneratedSeedStudyTest {

  @Test
  void eachDomainsIntervalContainsTheEffectPlantedInTheGeneratedExtracts(SparkSession spark, @TempDir Path dir) {
    Path extracts = dir.resolve("extracts");
    GeneratedExtracts.generate(extracts, b -> b.scale(Scale.SEED_STUDY).seed(1));
    Settings settings = GeneratedExtracts.settings(extracts)
        .with(Map.of(Keys.EXTRACTS, extracts.toString(), Keys.REPORTS, dir.resolve("reports").toString()));
    Lake lake = new Lake(spark, dir.resolve("lake").toString());

    AnalysisResult result = Pipeline.run(lake, settings, extracts.toString(), "test", line -> { }).analysis();

    assertThat(result.domains()).hasSize(4);
    for (DomainResult d : result.domains()) {
      double planted = GeneratorOptions.SEED_STUDY_EFFECTS.get(domain(d.domain()));
      assertThat(d.status()).as(d.domain() + " " + d.warnings()).isEqualTo(DomainResult.Status.FITTED);
      assertThat(d.did().satLow()).as(d.domain()).isLessThan(planted);
      assertThat(d.did().satHigh()).as(d.domain()).isGreaterThan(planted);
      // The seed-study scale is calibrated to about 2,434 pre and 2,358 post clients (PHQ-9 pairs).
      assertThat(d.pre().clients()).as(d.domain() + " pre").isBetween(1_500L, 3_500L);
      assertThat(d.post().clients()).as(d.domain() + " post").isBetween(1_500L, 3_500L);
    }
    assertThat(result.run().generatorSeed()).isEqualTo(1L);
  }

  private static Domain domain(String label) {
    for (Domain d : Domain.values()) {
      if (d.label().equals(label)) {
        return d;
      }
    }
    throw new AssertionError("no generator domain " + label);
  }
}
