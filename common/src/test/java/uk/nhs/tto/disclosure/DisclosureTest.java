package uk.nhs.tto.disclosure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DisclosureTest {

  private final Disclosure sdc = Disclosure.defaults();

  @Test
  void countsUnderFiveIncludingZeroAreSuppressed() {
    assertThat(sdc.count(0)).isEqualTo("*");
    assertThat(sdc.count(1)).isEqualTo("*");
    assertThat(sdc.count(4)).isEqualTo("*");
    assertThat(sdc.safeCount(4)).isEmpty();
  }

  @Test
  void otherCountsRoundToTheNearestFiveWithHalvesUp() {
    // 5 -> 5, 7 -> 5 (7 is 2 from 5, 3 from 10), 8 -> 10, 12 -> 10, 12.5 is not a count; 2434 -> 2435, 2358 -> 2360
    assertThat(sdc.count(5)).isEqualTo("5");
    assertThat(sdc.count(7)).isEqualTo("5");
    assertThat(sdc.count(8)).isEqualTo("10");
    assertThat(sdc.count(12)).isEqualTo("10");
    assertThat(sdc.count(2434)).isEqualTo("2435");
    assertThat(sdc.count(2358)).isEqualTo("2360");
  }

  @Test
  void nationalTotalsAreExactButStillNeverSmall() {
    assertThat(sdc.nationalCount(670_123)).isEqualTo("670123");
    assertThat(sdc.nationalCount(3)).isEqualTo("*");
  }

  @Test
  void ratesBelowNationalLevelAreWholePercentages() {
    // 47 of 100 = 47%; 2 of 3 suppressed (both small); 98 of 100 suppressed (2 did not recover: a small count)
    assertThat(sdc.rate(47, 100)).isEqualTo("47%");
    assertThat(sdc.rate(2, 3)).isEqualTo("*");
    assertThat(sdc.rate(98, 100)).isEqualTo("*");
    assertThat(sdc.rate(3, 100)).isEqualTo("*");
    assertThat(sdc.rate(0, 0)).isEqualTo("*");
    // 1 of 3 would round to 33%; 10 of 30 is 33.33% -> 33%
    assertThat(sdc.rate(10, 30)).isEqualTo("33%");
  }

  @Test
  void nationalRatesKeepOneDecimal() {
    // 473 / 1000 = 47.3%
    assertThat(sdc.nationalRate(473, 1000)).isEqualTo("47.3%");
  }

  @Test
  void estimatesFromSmallCohortsAreWithheldWithAReason() {
    assertThat(sdc.withheldReason("depression", 9, 100))
        .hasValueSatisfying(r -> assertThat(r).contains("fewer than 10").contains("pre cohort"));
    assertThat(sdc.withheldReason("depression", 100, 3))
        .hasValueSatisfying(r -> assertThat(r).contains("post cohort"));
    assertThat(sdc.withheldReason("depression", 10, 10)).isEmpty();
  }
}
