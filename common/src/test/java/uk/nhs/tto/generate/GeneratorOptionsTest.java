package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.errors.TtoException;

class GeneratorOptionsTest {

  @TempDir
  Path tmp;

  @Test
  void defaultsAreRunLocalsTwentyServicesOverTwoYearsWithTheSeedStudyEffects() {
    GeneratorOptions o = GeneratorOptions.builder(tmp, Extracts.codebook()).build();

    assertThat(o.services()).isEqualTo(20);
    assertThat(o.months()).isEqualTo(24);
    assertThat(o.seed()).isEqualTo(1);
    assertThat(o.start()).isEqualTo(YearMonth.of(2023, 4));
    assertThat(o.end()).isEqualTo(YearMonth.of(2025, 3));
    assertThat(o.format()).isEqualTo(GeneratorOptions.Format.CSV);
    assertThat(o.defectFraction()).isZero();
    assertThat(o.effects()).containsEntry(Domain.DEPRESSION, -2.53).containsEntry(Domain.ANXIETY, -2.70)
        .containsEntry(Domain.SOCIAL_FUNCTIONING, -2.17).containsEntry(Domain.PHOBIA, -1.19);
    assertThat(o.personalityMultiplier()).isEqualTo(1.0);
    assertThat(o.effectTarget()).isEqualTo(GeneratorOptions.EffectTarget.HIGH);
  }

  @Test
  void aScaleSetsSizesThatExplicitOptionsOverrideInAnyOrder() {
    GeneratorOptions national = GeneratorOptions.builder(tmp, Extracts.codebook())
        .services(160).scale(Scale.byLabel("national")).build();

    assertThat(national.services()).isEqualTo(160);
    assertThat(national.months()).isEqualTo(12);
    assertThat(national.coursesPerServiceYear()).isEqualTo(Scale.NATIONAL.coursesPerServiceYear());
    assertThat(Scale.byLabel("seed-study")).isEqualTo(Scale.SEED_STUDY);
  }

  @Test
  void effectsNamedByDomainReplaceOnlyThoseDomains() {
    GeneratorOptions o = GeneratorOptions.builder(tmp, Extracts.codebook())
        .effects("depression=-3, phobia=0").subgroupEffect("personality=2.0").build();

    assertThat(o.effects()).containsEntry(Domain.DEPRESSION, -3.0).containsEntry(Domain.PHOBIA, 0.0)
        .containsEntry(Domain.ANXIETY, -2.70);
    assertThat(o.personalityMultiplier()).isEqualTo(2.0);
  }

  @Test
  void badOptionsSayWhatArrivedAndHowToFixIt() {
    GeneratorOptions.Builder b = GeneratorOptions.builder(tmp, Extracts.codebook());

    assertThatThrownBy(() -> b.effects("mood=-2")).isInstanceOf(TtoException.class)
        .hasMessageContaining("'mood=-2'").hasMessageContaining("depression, anxiety, social_functioning, phobia");
    assertThatThrownBy(() -> b.effects("depression=lots")).hasMessageContaining("'lots'")
        .hasMessageContaining("must be a number");
    assertThatThrownBy(() -> b.subgroupEffect("age=2")).hasMessageContaining("personality=2.0");
    assertThatThrownBy(() -> b.months(3)).hasMessageContaining("--months is 3").hasMessageContaining("4 to 240");
    assertThatThrownBy(() -> b.services(10_000)).hasMessageContaining("T0001 to T9999");
    assertThatThrownBy(() -> b.start("April")).hasMessageContaining("yyyy-MM");
    assertThatThrownBy(() -> b.format("xlsx")).hasMessageContaining("csv and parquet");
    assertThatThrownBy(() -> b.defectFraction(0.7)).hasMessageContaining("--defects is 0.7");
    assertThatThrownBy(() -> Scale.byLabel("county")).hasMessageContaining("run-local, seed-study, national");
  }

  @Test
  void aCatalogueMissingADomainsCodesIsRefusedByName() throws IOException {
    Path measures = tmp.resolve("measures.csv");
    Files.writeString(measures, "measure,domain,code,kind\nPHQ9,depression,720433000,total\n");

    assertThatThrownBy(() -> Codebook.load(measures, Path.of("../conf/therapy-codes.csv")))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("0 code(s) for domain anxiety");
  }

  @Test
  void theCodebookFollowsTheProjectCatalogues() {
    Codebook c = Extracts.codebook();

    assertThat(c.codes(Domain.DEPRESSION)).containsExactly("720433000");
    assertThat(c.codes(Domain.ANXIETY)).containsExactly("445455005");
    assertThat(c.codes(Domain.SOCIAL_FUNCTIONING)).hasSize(5);
    assertThat(c.codes(Domain.PHOBIA)).containsExactly("PHOBIA_SOCIAL", "PHOBIA_AGORA", "PHOBIA_SPECIFIC");
    assertThat(c.highIntensityCodes()).containsExactlyElementsOf(Extracts.highIntensityCodes());
    assertThat(c.lowIntensityCodes()).isNotEmpty().doesNotContainAnyElementsOf(c.highIntensityCodes());
  }
}
