package uk.nhs.tto.subgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Holm and Benjamini–Hochberg adjustments, checked against hand-worked examples (as R's p.adjust gives them). */
class MultiplicityTest {

  // Five tests, given out of order: 0.04, 0.01, 0.03, 0.005, 0.20 (m = 5).
  private static final double[] P = {0.04, 0.01, 0.03, 0.005, 0.20};

  @Test
  void holmMultipliesTheIthSmallestByMMinusIPlusOneAndKeepsTheSequenceMonotone() {
    // Sorted: 0.005, 0.01, 0.03, 0.04, 0.20 with multipliers 5, 4, 3, 2, 1:
    //   0.025, 0.04, 0.09, 0.08 -> raised to 0.09 by the running maximum, 0.20.
    // Back in input order: 0.04 -> 0.09, 0.01 -> 0.04, 0.03 -> 0.09, 0.005 -> 0.025, 0.20 -> 0.20.
    assertThat(Multiplicity.holm(P)).containsExactly(new double[] {0.09, 0.04, 0.09, 0.025, 0.20}, within(1e-12));
  }

  @Test
  void benjaminiHochbergMultipliesTheIthSmallestByMOverIAndTakesTheRunningMinimumFromTheTop() {
    // Sorted: 0.005, 0.01, 0.03, 0.04, 0.20 with multipliers 5/1, 5/2, 5/3, 5/4, 5/5:
    //   0.025, 0.025, 0.05, 0.05, 0.20; running minimum from the largest keeps them as they are.
    // Back in input order: 0.04 -> 0.05, 0.01 -> 0.025, 0.03 -> 0.05, 0.005 -> 0.025, 0.20 -> 0.20.
    assertThat(Multiplicity.benjaminiHochberg(P))
        .containsExactly(new double[] {0.05, 0.025, 0.05, 0.025, 0.20}, within(1e-12));
  }

  @Test
  void benjaminiHochbergCarriesASmallerLaterValueDownwards() {
    // 0.01, 0.04, 0.045 (m = 3): 0.03, 0.06, 0.045 -> running minimum from the top: 0.03, 0.045, 0.045.
    assertThat(Multiplicity.benjaminiHochberg(new double[] {0.01, 0.04, 0.045}))
        .containsExactly(new double[] {0.03, 0.045, 0.045}, within(1e-12));
  }

  @Test
  void adjustedValuesAreCappedAtOne() {
    // 0.6 and 0.7 with m = 2: Holm 1.2 -> 1 and max(1, 0.7) = 1; BH 1.2 -> 1 and min(0.7, 1) -> 0.7 then 0.7.
    assertThat(Multiplicity.holm(new double[] {0.6, 0.7})).containsExactly(1.0, 1.0);
    assertThat(Multiplicity.benjaminiHochberg(new double[] {0.6, 0.7}))
        .containsExactly(new double[] {0.7, 0.7}, within(1e-12));
  }

  @Test
  void missingTestsStayMissingAndDoNotCountTowardsM() {
    // With the NaN left out m = 2: Holm 0.01*2 = 0.02, max(0.02, 0.03) = 0.03; BH 0.01*2 = 0.02, 0.03.
    double[] p = {0.03, Double.NaN, 0.01};
    assertThat(Multiplicity.holm(p)).containsExactly(new double[] {0.03, Double.NaN, 0.02}, within(1e-12));
    assertThat(Multiplicity.benjaminiHochberg(p)).containsExactly(new double[] {0.03, Double.NaN, 0.02}, within(1e-12));
  }

  @Test
  void aPValueOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> Multiplicity.holm(new double[] {1.5})).hasMessageContaining("1.5");
  }
}
