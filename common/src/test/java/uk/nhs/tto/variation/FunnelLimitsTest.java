package uk.nhs.tto.variation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import uk.nhs.tto.variation.FunnelLimits.Position;

/** Spiegelhalter's interpolated exact binomial limits, checked by hand on small binomials. */
class FunnelLimitsTest {

  @Test
  void upper95LimitForAFairCoinOfTenInterpolatesBetweenSevenAndEightSuccesses() {
    // Bin(10, 0.5): P(R<=7) = 968/1024 = 0.9453 < 0.975 <= P(R<=8) = 1013/1024, so r = 8.
    // alpha = (1013/1024 - 0.975) / P(R=8) = (1013 - 998.4) / 45 = 0.3244444; limit = (8 - 0.3244444)/10.
    assertThat(new FunnelLimits(0.5).limit(10, 0.975)).isCloseTo(0.76755556, within(1e-7));
  }

  @Test
  void lower95LimitForAFairCoinOfTenInterpolatesBetweenOneAndTwoSuccesses() {
    // P(R<=1) = 11/1024 < 0.025 <= P(R<=2) = 56/1024, so r = 2.
    // alpha = (56 - 25.6) / 45 = 0.6755556; limit = (2 - 0.6755556)/10.
    assertThat(new FunnelLimits(0.5).limit(10, 0.025)).isCloseTo(0.13244444, within(1e-7));
  }

  @Test
  void lower998LimitWithRateOneFifthAndFiveCasesIsZeroWhenNoSuccessIsPlausible() {
    // Bin(5, 0.2): P(R<=0) = 0.8^5 = 0.32768 >= 0.001, so r = 0 and alpha = (0.32768 - 0.001)/0.32768 = 0.996948;
    // limit = (0 - 0.996948)/5 < 0, clamped to 0.
    assertThat(new FunnelLimits(0.2).limit(5, 0.001)).isEqualTo(0.0);
  }

  @Test
  void limitsNarrowTowardsTheTargetAsTheDenominatorGrows() {
    FunnelLimits f = new FunnelLimits(0.5);
    assertThat(f.limit(100, 0.975)).isLessThan(f.limit(10, 0.975));
    // Normal approximation at n = 10,000: 0.5 + 1.96 * 0.005 = 0.5098; the exact limit is within 1e-4 of it.
    assertThat(f.limit(10_000, 0.975)).isCloseTo(0.5098, within(2e-4));
    assertThat(f.limit(10_000, 0.999)).isCloseTo(0.5 + 3.090232 * 0.005, within(2e-4));
  }

  @Test
  void aServiceIsPlacedByTheLimitsItCrosses() {
    FunnelLimits f = new FunnelLimits(0.5);
    // n = 100: 95% upper about 0.595, 99.8% upper about 0.655 (normal approximation 0.5 + 3.09 * 0.05).
    assertThat(f.position(50, 100)).isEqualTo(Position.WITHIN);
    assertThat(f.position(62, 100)).isEqualTo(Position.ABOVE_95);
    assertThat(f.position(70, 100)).isEqualTo(Position.ABOVE_998);
    assertThat(f.position(38, 100)).isEqualTo(Position.BELOW_95);
    assertThat(f.position(30, 100)).isEqualTo(Position.BELOW_998);
    assertThat(Position.ABOVE_998.outside95()).isTrue();
    assertThat(Position.ABOVE_95.outside998()).isFalse();
  }
}
