package uk.nhs.tto.lake;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;

/** Builds the SparkSession every job and test uses: Delta enabled, UTC, bound to loopback when local. */
public final class Sessions {

  private static final String HADOOP_PREFIX = "spark.hadoop.";

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
   * {@code extra} (from configuration keys {@code spark.*}) is applied on top of {@link #required()}, except where
   * spark-submit was given the same key ({@code --conf}, {@code scripts/tto --spark-conf}).
   */
  public static SparkSession forJob(String appName, Map<String, String> extra) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (System.getProperty("spark.master") == null) {
      b.master("local[*]").config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    required().forEach(b::config);
    b.config("spark.ui.enabled", "false");
    // spark-submit passes its --conf settings as system properties; given on the command line, they win over
    // configuration files.
    extra.forEach(
        (k, v) -> {
          if (System.getProperty(k) == null) {
            b.config(k, v);
          }
        });
    return b.getOrCreate();
  }

  /**
   * The session for a job configured by {@code settings}: its {@link Metastore} (prepared before Spark starts), the
   * S3 endpoint ({@code tto.s3.endpoint}) and every {@code tto.spark.*} pass-through key, which wins over both.
   */
  public static SparkSession forJob(String appName, Settings settings) {
    Metastore metastore = Metastore.of(settings);
    metastore.prepareJvm();
    return forJob(appName, sparkSettings(settings, metastore));
  }

  /**
   * Whether the lake root of {@code settings} exists, asked before Spark starts (so before an embedded metastore's
   * folder is made): on the local disk directly, elsewhere (s3a://) through a fresh Hadoop file system with the job's
   * own settings. Unreachable storage is an infrastructure error saying so.
   */
  public static boolean lakeExists(Settings settings) {
    String lakeRoot = settings.string(Keys.LAKE);
    java.nio.file.Path local = Metastore.localPath(lakeRoot);
    if (local != null) {
      return java.nio.file.Files.exists(local);
    }
    Path root = new Path(lakeRoot);
    try (FileSystem fs = FileSystem.newInstance(root.toUri(), hadoopConfiguration(settings))) {
      return fs.exists(root);
    } catch (IOException | IllegalArgumentException e) {
      throw TtoException.withExitCode(TtoException.INFRASTRUCTURE,
          "Cannot reach the lakehouse at " + lakeRoot, String.valueOf(e.getMessage()),
          "check the storage endpoint (tto.s3.endpoint) and the credentials, then run again");
    }
  }

  /**
   * The Hadoop configuration the job's file systems will get: the {@code spark.hadoop.*} keys of
   * {@link #sparkSettings} and of spark-submit (system properties, which win there too), without the prefix. For
   * looking at the lake before Spark starts.
   */
  static Configuration hadoopConfiguration(Settings settings) {
    Map<String, String> spark = new LinkedHashMap<>(sparkSettings(settings, Metastore.of(settings)));
    System.getProperties().stringPropertyNames().forEach(k -> spark.put(k, System.getProperty(k)));
    Configuration conf = new Configuration();
    spark.forEach((k, v) -> {
      if (k.startsWith(HADOOP_PREFIX)) {
        conf.set(k.substring(HADOOP_PREFIX.length()), v);
      }
    });
    return conf;
  }

  /** The Spark settings {@link #forJob(String, Settings)} applies on top of {@link #required()}. */
  public static Map<String, String> sparkSettings(Settings settings, Metastore metastore) {
    Map<String, String> conf = new LinkedHashMap<>(metastore.sparkSettings());
    if (settings.has(Keys.S3_ENDPOINT)) {
      conf.put("spark.hadoop.fs.s3a.endpoint", settings.string(Keys.S3_ENDPOINT));
    }
    conf.putAll(settings.withPrefix(Keys.SPARK_PREFIX));
    return conf;
  }

  /**
   * A small in-process session for tests: one shuffle partition, loopback only, no UI, and its catalogue's warehouse
   * in a temporary folder (databases registered by tests must not create folders in the module).
   */
  public static SparkSession forTests() {
    String warehouse;
    try {
      warehouse = java.nio.file.Files.createTempDirectory("tto-tests-warehouse").toUri().toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot create a temporary warehouse folder for the test session", e);
    }
    SparkSession.Builder b =
        SparkSession.builder()
            .appName("tt-outcomes-tests")
            .config("spark.sql.warehouse.dir", warehouse)
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
            .config("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false")
            // One session serves the whole suite: keep Spark's record of finished jobs, stages and SQL executions
            // (plans included, kept even with the UI off) short, or it fills a 1 GB heap over a few hundred tests.
            .config("spark.ui.retainedJobs", "20")
            .config("spark.ui.retainedStages", "20")
            .config("spark.ui.retainedTasks", "200")
            .config("spark.sql.ui.retainedExecutions", "5")
            .config("spark.ui.dagGraph.retainedRootRDDs", "20");
    required().forEach(b::config);
    return b.getOrCreate();
  }

  /** The session's {@code spark.sql.shuffle.partitions}: the most partitions a shuffle gets. */
  public static int shufflePartitions(SparkSession spark) {
    return Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
  }

  /**
   * The bytes adaptive execution aims for in a shuffle partition
   * ({@code spark.sql.adaptive.advisoryPartitionSizeInBytes}, 64 MB unless configured).
   */
  public static long advisoryPartitionBytes(SparkSession spark) {
    return JavaUtils.byteStringAsBytes(spark.conf().get("spark.sql.adaptive.advisoryPartitionSizeInBytes", "64m"));
  }

  /**
   * A shuffle's partition count for {@code bytes} of data: one per {@code bytesPerPartition} (rounded up), at least
   * {@code cores} so that every core has work, at most {@code ceiling} (the configured
   * {@code spark.sql.shuffle.partitions}), which wins when it is below the cores.
   */
  public static int partitionsFor(long bytes, long bytesPerPartition, int cores, int ceiling) {
    long unit = Math.max(1, bytesPerPartition);
    long wanted = bytes / unit + (bytes % unit == 0 ? 0 : 1);
    return (int) Math.max(1, Math.min(ceiling, Math.max(cores, wanted)));
  }
}
