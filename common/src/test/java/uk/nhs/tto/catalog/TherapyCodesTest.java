package uk.nhs.tto.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.testing.BronzeFixtures;

class TherapyCodesTest {

  @Test
  void theShippedListMapsCodesToIntensity() {
    TherapyCodes codes = TherapyCodes.load(BronzeFixtures.projectConf("therapy-codes.csv"));
    assertThat(codes.intensityOf("1127831000000106")).contains(TherapyCodes.Intensity.HIGH); // CBT (high)
    assertThat(codes.intensityOf("1127281000000100")).contains(TherapyCodes.Intensity.LOW); // guided self-help
    assertThat(codes.intensityOf("0")).isEmpty();
    assertThat(codes.size()).isEqualTo(10);
  }

  @Test
  void anUnknownIntensityIsRefusedNamingTheLine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("therapy-codes.csv");
    Files.writeString(f, "code,intensity,description\n1,HIGH,a\n2,MEDIUM,b\n");
    assertThatThrownBy(() -> TherapyCodes.load(f))
        .hasMessageContaining(f + " line 3: intensity 'MEDIUM' is not known")
        .hasMessageContaining("write HIGH or LOW");
  }
}
