package uk.nhs.tto.conform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Care contacts are joined to their children by hash only while each partition's contacts, shuffled (about four
 * bytes per byte of Parquet), stay within the advisory partition size; beyond that by sort-merge, which spills.
 */
class HashJoinFitsTest {

  private static final long MB = 1L << 20;

  @Test
  void theNationalYearsContactsFitSixtyFourPartitionsOfSixtyFourMegabytes() {
    // silver.contacts of the benchmark's national year: 192 MB of Parquet, about 12 MB shuffled per partition.
    assertThat(Conform.hashJoinFits(192 * MB, 64, 64 * MB)).isTrue();
  }

  @Test
  void theBoundIsAQuarterOfTheAdvisorySizePerPartitionInParquet() {
    // 64 partitions x 64 MB / 4 = 1,024 MB of Parquet at most: about five national years.
    assertThat(Conform.hashJoinFits(1024 * MB, 64, 64 * MB)).isTrue();
    assertThat(Conform.hashJoinFits(1024 * MB + 1, 64, 64 * MB)).isFalse();
    // More partitions make room for more contacts, a smaller advisory size for fewer.
    assertThat(Conform.hashJoinFits(1024 * MB + 1, 128, 64 * MB)).isTrue();
    assertThat(Conform.hashJoinFits(192 * MB, 64, 8 * MB)).isFalse();
  }

  @Test
  void anAdvisorySizeBelowFourBytesAdmitsNoContactsAtAll() {
    assertThat(Conform.hashJoinFits(0, 1, 1)).isTrue();
    assertThat(Conform.hashJoinFits(1, 1, 1)).isFalse();
    assertThat(Conform.hashJoinFits(1, 1000, 3)).isFalse();
  }

  @Test
  void noPartitionCountIsReadAsOne() {
    assertThat(Conform.hashJoinFits(16 * MB, 0, 64 * MB)).isTrue();
    assertThat(Conform.hashJoinFits(16 * MB + 1, 0, 64 * MB)).isFalse();
  }
}
