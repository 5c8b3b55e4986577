package uk.nhs.tto.lake;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession every job and test uses: Delta enabled, UTC, bound to loopback when local. */
public final class Sessions {

  private Sessions() {}

  /**
   * The Spark settings tt-outcomes needs whatever the deployment: Delta's SQL extension and catalog,
   * UTC session time (dates in extracts are calendar dates, never shifted), and no UI port by default.
   */
  public static Map<String, String> required() {
    return Map.of(
        "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.session.timeZone", "UTC",
        "spark.sql.ansi.enabled", "false",
        "spark.databricks.delta.schema.autoMerge.enabled", "false");
  }

  /**
   * The session for a job. Under spark-submit the master and deploy settings come from spark-submit;
   * {@code extra} (from configuration keys {@code spark.*}) is applied on top of {@link #required()}.
   */
  public static SparkSession forJob(String appName, Map<String, String> extra) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (System.getProperty("spark.master") == null) {
      b.master("local[*]").config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    required().forEach(b::config);
    b.config("spark.ui.enabled", "false");
    extra.forEach(b::config);
    return b.getOrCreate();
  }

  /** A small in-process session for tests: one shuffle partition, loopback only, no UI. */
  public static SparkSession forTests() {
    SparkSession.Builder b =
        SparkSession.builder()
            .appName("tt-outcomes-tests")
            .master("local[2]")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.default.parallelism", "2")
            .config("spark.databricks.delta.snapshotPartitions", "1")
            .config("spark.sql.adaptive.enabled", "false")
            // Test data are tiny: compiling whole-stage code costs more than it saves (about a fifth of the CPU).
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "1")
            .config("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false");
    required().forEach(b::config);
    return b.getOrCreate();
  }
}
