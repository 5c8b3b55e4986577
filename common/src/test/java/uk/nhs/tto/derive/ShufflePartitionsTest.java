package uk.nhs.tto.derive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShufflePartitionsTest {

  private static final long MB = 1L << 20;

  @Test
  void oneShufflePartitionPerSixteenMegabytesOfBronzeRoundedUp() {
    // The tenth-size benchmark year: 218 MB of bronze -> ceil(218 / 16) = 14.
    assertThat(ShufflePartitions.forBronze(218 * MB, 2, 64)).isEqualTo(14);
    assertThat(ShufflePartitions.forBronze(16 * MB + 1, 2, 64)).isEqualTo(2);
  }

  @Test
  void neverFewerPartitionsThanCores() {
    assertThat(ShufflePartitions.forBronze(3 * MB, 2, 64)).isEqualTo(2);
    assertThat(ShufflePartitions.forBronze(0, 4, 64)).isEqualTo(4);
  }

  @Test
  void theConfiguredValueIsTheCeiling() {
    // A national year (about 2.2 GB of bronze) would want 138; the local profile's 64 caps it ...
    assertThat(ShufflePartitions.forBronze(2200 * MB, 2, 64)).isEqualTo(64);
    // ... and the tests' single partition stays single even below the core count.
    assertThat(ShufflePartitions.forBronze(2200 * MB, 2, 1)).isEqualTo(1);
  }
}
