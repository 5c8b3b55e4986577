package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planted difference-in-differences is recoverable from the files by the SPEC's own rules
 * ({@link SpecReading}). Two extracts from the same seed differ only in the planted effect, so the difference of
 * their raw DiDs isolates it from sampling noise: only rounding and the clamping of scores to their ranges blur it.
 */
class PlantedEffectTest {

  @TempDir
  static Path tmp;

  static SpecReading planted;
  static SpecReading none;
  static SpecReading personalityDoubled;

  static final Predicate<String> ALL = pathway -> true;

  /** The readings hold every generated row: let them go, the suite's JVM has a 1 GB heap. */
  @AfterAll
  static void release() {
    planted = null;
    none = null;
    personalityDoubled = null;
  }

  @BeforeAll
  static void generate() {
    planted = read("planted", b -> b);
    none = read("none", b -> b.effects("depression=0,anxiety=0,social_functioning=0,phobia=0"));
    personalityDoubled = read("personality", b -> b.subgroupEffect("personality=2.0"));
  }

  private static SpecReading read(String name, java.util.function.UnaryOperator<GeneratorOptions.Builder> tweak) {
    Path out = tmp.resolve(name);
    Generator.generate(tweak.apply(Extracts.small(out).services(6).months(24).seed(11)).build(), line -> { });
    return new SpecReading(out);
  }

  @Test
  void rawDidOfPhq9IsNearThePlantedSeedStudyValue() {
    List<Integer> pre = planted.changes("pre", SpecReading.PHQ9, ALL);
    List<Integer> post = planted.changes("post", SpecReading.PHQ9, ALL);
    // About 390 and 360 courses: SD of a change is about 6, so the SE of the raw DiD is about 0.45.
    assertThat(pre.size()).isBetween(350, 700);
    assertThat(post.size()).isBetween(300, 700);
    // Every course improves (delta about -5 points); trained courses by 2.53 more.
    assertThat(SpecReading.mean(pre)).isBetween(-6.5, -3.5);
    assertThat(SpecReading.mean(post) - SpecReading.mean(pre)).isCloseTo(-2.53, within(1.0));
  }

  @Test
  void withoutAPlantedEffectTheRawDidIsNearZero() {
    assertThat(none.rawDid(SpecReading.PHQ9, ALL)).isCloseTo(0.0, within(1.0));
  }

  @Test
  void theEffectPlantedInEachDomainIsWhatSeparatesTwoExtractsOfOneSeed() {
    // Seed study values (SPEC §5); the tolerance covers rounding and the rare clamp at a range's end.
    assertThat(planted.rawDid(SpecReading.PHQ9, ALL) - none.rawDid(SpecReading.PHQ9, ALL))
        .isCloseTo(-2.53, within(0.3));
    assertThat(planted.rawDid(SpecReading.GAD7, ALL) - none.rawDid(SpecReading.GAD7, ALL))
        .isCloseTo(-2.70, within(0.3));
    assertThat(planted.rawDid(SpecReading.WSAS, ALL) - none.rawDid(SpecReading.WSAS, ALL))
        .isCloseTo(-2.17, within(0.3));
    assertThat(planted.rawDid(SpecReading.PHOBIA, ALL) - none.rawDid(SpecReading.PHOBIA, ALL))
        .isCloseTo(-1.19, within(0.3));
  }

  @Test
  void aSubgroupMultiplierChangesOnlyTheSubgroupsEffect() {
    Predicate<String> personality = planted::personality;
    Predicate<String> others = personality.negate();
    assertThat(planted.changes("post", SpecReading.PHQ9, personality)).hasSizeGreaterThan(20);
    // 2.0 x -2.53 instead of 1.0 x -2.53: a further -2.53 for clients with F60/F61 complaints (less a little:
    // lower last scores meet the floor of 0 more often) ...
    assertThat(personalityDoubled.rawDid(SpecReading.PHQ9, personality) - planted.rawDid(SpecReading.PHQ9, personality))
        .isCloseTo(-2.53, within(0.5));
    // ... and nothing at all for everyone else.
    assertThat(personalityDoubled.rawDid(SpecReading.PHQ9, others))
        .isEqualTo(planted.rawDid(SpecReading.PHQ9, others));
  }
}
