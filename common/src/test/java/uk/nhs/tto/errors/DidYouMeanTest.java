package uk.nhs.tto.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** A slip of a few letters is matched to the name meant; another word is not matched at all. */
class DidYouMeanTest {

  private static final Set<String> NAMES = Set.of("as-of-version", "as-of-run", "seed", "services");

  @Test
  void twoNeighbouringLettersSwappedAreOneEdit() {
    assertThat(DidYouMean.distance("verison", "version")).isEqualTo(1);
    assertThat(DidYouMean.nearest("as-of-verison", NAMES)).isEqualTo("as-of-version");
  }

  @Test
  void aLetterMissingOrInTheWrongCaseIsASlip() {
    assertThat(DidYouMean.nearest("servics", NAMES)).isEqualTo("services");
    assertThat(DidYouMean.nearest("SEED", NAMES)).isEqualTo("seed");
  }

  @Test
  void anotherWordIsNotSuggested() {
    assertThat(DidYouMean.distance("formula", "seed")).isEqualTo(7);
    assertThat(DidYouMean.nearest("formula", NAMES)).isNull();
  }
}
