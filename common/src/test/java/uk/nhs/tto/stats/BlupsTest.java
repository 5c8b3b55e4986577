package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.formula.Formula;

/**
 * BLUPs and conditional SDs match lme4's ranef(condVar = TRUE) from the "blups" section of expected.json: values to
 * 1e-4 absolute (several are near zero, e.g. service 32 at −0.016, where a relative bound would be meaningless),
 * conditional SDs to 1e-4 relative.
 */
class BlupsTest {

  @Test
  void did40ServiceBlupsAndConditionalSdsMatchLme4() {
    JsonNode ref = reference("did40.csv");
    LmmFit fit = MixedModel.fit(ReferenceData.rows("did40.csv"), Formula.parse(ref.get("formula").asText()),
        FitOptions.reml().withBlups());
    Map<String, Blup> byGroup = fit.blups(ref.get("level").asText()).stream()
        .collect(Collectors.toMap(Blup::group, b -> b));
    assertThat(byGroup).hasSize(40);
    for (JsonNode v : ref.get("values")) {
      Blup b = byGroup.get(v.get("group").asText());
      assertThat(b.value()).as("service " + b.group()).isCloseTo(v.get("blup").asDouble(), within(1e-4));
      double sd = v.get("cond_sd").asDouble();
      assertThat(b.condSd()).as("cond SD of service " + b.group()).isCloseTo(sd, within(1e-4 * sd));
    }
  }

  @Test
  void pastesBatchBlupsMatchLme4AndAreInFactorOrder() {
    JsonNode ref = reference("Pastes.csv");
    LmmFit fit = MixedModel.fit(ReferenceData.rows("Pastes.csv"), Formula.parse(ref.get("formula").asText()),
        FitOptions.reml());
    List<Blup> blups = fit.blups("batch");
    assertThat(blups).extracting(Blup::group).containsExactly("A", "B", "C", "D", "E", "F", "G", "H", "I", "J");
    for (JsonNode v : ref.get("values")) {
      Blup b = blups.stream().filter(x -> x.group().equals(v.get("group").asText())).findFirst().orElseThrow();
      assertThat(b.value()).as("batch " + b.group()).isCloseTo(v.get("blup").asDouble(), within(1e-4));
    }
  }

  @Test
  void lowestLevelBlupsAreRefusedWithTheReason() {
    LmmFit fit = MixedModel.fit(ReferenceData.rows("Pastes.csv"), Formula.parse("strength ~ 1 + (1|batch/cask)"),
        FitOptions.reml());
    assertThatThrownBy(() -> fit.blups("cask:batch"))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("lowest grouping level")
        .hasMessageContaining("[batch]");
  }

  private static JsonNode reference(String data) {
    for (JsonNode b : ReferenceData.expected().get("blups")) {
      if (b.get("data").asText().equals(data)) {
        return b;
      }
    }
    throw new IllegalStateException("no blups for " + data + " in expected.json");
  }
}
