package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The planted effect reaches the recorded scores whole: a treated course's last score is shifted on the unbounded
 * scale by as much as it takes for its expected value within the measure's range to move by the effect. Expected
 * values are worked out by hand (a normal's mean above zero) or by numerical integration outside this code.
 */
class ScoreModelTest {

  @Test
  void aScoreCentredOnZeroIsRecordedOnAverageAsTheMeanOfItsPositivePart() {
    // E[max(X, 0)] for X ~ N(0, 1) is the normal density at 0, 1/sqrt(2 pi).
    assertThat(ScoreModel.expectedClamped(0, 1, 27)).isCloseTo(0.3989422804014327, within(1e-12));
    // The same at the top of the range, mirrored.
    assertThat(ScoreModel.expectedClamped(27, 1, 27)).isCloseTo(27 - 0.3989422804014327, within(1e-12));
  }

  @Test
  void theNormalDistributionFunctionMatchesTabulatedValues() {
    // Abramowitz and Stegun, table 26.1, and the symmetry Phi(-z) = 1 - Phi(z).
    assertThat(ScoreModel.cdf(0)).isEqualTo(0.5);
    assertThat(ScoreModel.cdf(1)).isCloseTo(0.841344746068543, within(1e-14));
    assertThat(ScoreModel.cdf(-1.96)).isCloseTo(1 - 0.975002104851780, within(1e-14));
    assertThat(ScoreModel.cdf(4)).isCloseTo(0.999968328758167, within(1e-14));
    assertThat(ScoreModel.cdf(-10)).isCloseTo(7.61985302416e-24, within(1e-15));
    // Far in the tails: a probability, never negative, never infinite (the series alone gives -inf at -37.8).
    assertThat(ScoreModel.cdf(-12)).isBetween(0.0, 1e-15);
    assertThat(ScoreModel.cdf(-37.8)).isBetween(0.0, 1e-15);
    assertThat(ScoreModel.cdf(37.9)).isBetween(1 - 1e-15, 1.0);
  }

  @Test
  void farFromBothBoundsTheShiftIsTheEffectItself() {
    assertThat(ScoreModel.latentShift(-2.53, 13.5, 1, 27)).isCloseTo(-2.53, within(1e-9));
    assertThat(ScoreModel.latentShift(1.5, 13.5, 1, 27)).isCloseTo(1.5, within(1e-9));
  }

  @Test
  void nearTheFloorTheShiftIsLargerThanTheEffectBy2TenthsOfAPoint() {
    // mean 7, SD 4 (a PHQ-9 last score near the floor), effect -2.53: numerical integration of
    // E[min(max(X + e, 0), 27)] - E[min(max(X, 0), 27)] = -2.53 gives e = -2.7625685 (midpoint rule, 80,000 steps
    // over +-12 SD, bisection).
    assertThat(ScoreModel.latentShift(-2.53, 7, 4, 27)).isCloseTo(-2.7625685, within(1e-6));
    // mean 0, SD 1: phi(e) + e Phi(e) = phi(0) - 0.2 at e = -0.49629444.
    assertThat(ScoreModel.latentShift(-0.2, 0, 1, 27)).isCloseTo(-0.49629444, within(1e-7));
  }

  @Test
  void anEffectBeyondReachPutsTheScoreFourSdsPastTheBound() {
    // Expected recorded score 0.0004 (mean -3, SD 1): no shift can lower it by a point; the mean goes to -4 SD.
    assertThat(-3 + ScoreModel.latentShift(-1, -3, 1, 27)).isCloseTo(-4, within(1e-12));
    // The same at the top: mean 30 on a 0-27 scale, effect +1, goes to 27 + 4 SD.
    assertThat(30 + ScoreModel.latentShift(1, 30, 1, 27)).isCloseTo(31, within(1e-12));
  }

  @Test
  void noEffectNoShift() {
    assertThat(ScoreModel.latentShift(0, 35, 4, 27)).isZero();
  }
  @Test
  void anEffectIsSharedSoThatBothKindsOfCourseGoTheSameShareOfTheWayToTheFloor() {
    // Responder expected at 3, another course at 12 (SD 1), six in ten respond, effect -2.53. By numerical
    // integration (scipy quad): E[clamp] is 3.000382 and 12.000000, and 7.145e-6 with the mean four SDs below 0,
    // so the rooms are -3.000375 and -11.999993; the share is 2.53 / (0.6 x 3.000375 + 0.4 x 11.999993) = 0.38332.
    ScoreModel.Moves moves = ScoreModel.split(-2.53, 0.6, 3, 12, 1, 27);
    assertThat(moves.responder()).isCloseTo(-1.1501050, within(1e-6));
    assertThat(moves.other()).isCloseTo(-4.5998424, within(1e-6));
    assertThat(moves.shortfall()).isCloseTo(0, within(1e-12));
    assertThat(0.6 * moves.responder() + 0.4 * moves.other()).isCloseTo(-2.53, within(1e-9));
  }

  @Test
  void whatACourseNearTheFloorCannotShowIsTheShortfall() {
    // Expected recorded last scores 0.0833 and 0.6978 (means -1 and 0.5, SD 1): a half-and-half course can fall by
    // 0.3905 at most, so 0.6095 of an effect of -1 is left over, and both kinds go all the way.
    ScoreModel.Moves moves = ScoreModel.split(-1, 0.5, -1, 0.5, 1, 27);
    assertThat(moves.responder()).isCloseTo(-0.0833083, within(1e-6));
    assertThat(moves.other()).isCloseTo(-0.6977894, within(1e-6));
    assertThat(moves.shortfall()).isCloseTo(-0.6094511, within(1e-6));
    assertThat(ScoreModel.split(0, 0.5, 3, 12, 1, 27)).isEqualTo(new ScoreModel.Moves(0, 0, 0));
  }
}
