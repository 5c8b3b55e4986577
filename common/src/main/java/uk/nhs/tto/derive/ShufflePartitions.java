package uk.nhs.tto.derive;

import java.util.function.Supplier;
import org.apache.spark.sql.RuntimeConfig;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.Sessions;

/**
 * Sizes derive's shuffles by the bronze data instead of one fixed number. Adaptive execution coalesces ordinary
 * shuffles, but not the last stage of a persisted plan, and conform persists every classified table: with the
 * configured {@code spark.sql.shuffle.partitions} (64 in the local profile, sized for a national year) a tenth of
 * that year was classified and written in 64 tasks and files per table (docs/BENCHMARKS.md). The configured value
 * stays the ceiling; smaller bronze gets fewer partitions, never fewer than the cores.
 */
final class ShufflePartitions {

  static final String KEY = "spark.sql.shuffle.partitions";

  /**
   * Bronze Parquet bytes per shuffle partition: shuffled rows are about five times their Parquet size (the
   * tenth-size year's IDS607: 64 MB of bronze, ~300 MB shuffled), so this gives partitions near the 64 MB that
   * adaptive execution aims for.
   */
  static final long BRONZE_BYTES_PER_PARTITION = 16L << 20;

  private ShufflePartitions() {}

  /** ceil(bronze bytes / 16 MB), at least {@code cores}, at most {@code configured} (which wins if lower). */
  static int forBronze(long bronzeBytes, int cores, int configured) {
    return Sessions.partitionsFor(bronzeBytes, BRONZE_BYTES_PER_PARTITION, cores, configured);
  }

  /** Runs {@code work} with the shuffle partitions sized for {@code lake}'s bronze, then restores the setting. */
  static <T> T sizedFor(Lake lake, Supplier<T> work) {
    RuntimeConfig conf = lake.spark().conf();
    String configured = conf.get(KEY);
    int partitions =
        forBronze(bronzeBytes(lake), lake.spark().sparkContext().defaultParallelism(), Integer.parseInt(configured));
    conf.set(KEY, Integer.toString(partitions));
    try {
      return work.get();
    } finally {
      conf.set(KEY, configured);
    }
  }

  private static long bronzeBytes(Lake lake) {
    long bytes = 0;
    for (IdsTable table : IdsTable.values()) {
      String name = "bronze." + table.tableName();
      if (lake.exists(name)) {
        bytes += lake.sizeInBytes(name);
      }
    }
    return bytes;
  }
}
