package uk.nhs.tto.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalog;

/**
 * Registers the lakehouse's Delta tables in the session's catalogue as databases {@code tt_bronze},
 * {@code tt_silver}, {@code tt_gold}, {@code tt_results}, {@code tt_quarantine} and {@code tt_meta}, so that
 * analysts can write {@code SELECT … FROM tt_results.did}. Registration points at the table's location; it
 * never copies data and is safe to repeat.
 */
public final class Catalogue {

  /** The lakehouse layers, each registered as database {@code tt_<layer>}. */
  public static final List<String> LAYERS = List.of("bronze", "silver", "gold", "results", "quarantine", "meta");

  private Catalogue() {}

  /** The database a layer is registered as. */
  public static String database(String layer) {
    return "tt_" + layer;
  }

  /**
   * Registers every Delta table found under the lake; returns the qualified names registered. A name already
   * registered at another location (the lake was copied or moved, or a test reused a name) is pointed at this lake:
   * dropping a table registered with a location removes only the registration, never the data. A name already
   * registered here is left as it is (creating it again would be a no-op that still reads the table's log).
   * Locations are registered fully qualified ({@code file:/…}, {@code s3a://…}): a relative one, such as the
   * default lake {@code lakehouse}, would be resolved against the database's warehouse folder, not the working
   * directory.
   */
  public static List<String> registerAll(Lake lake) {
    SparkSession spark = lake.spark();
    ExternalCatalog catalog = spark.sessionState().catalog().externalCatalog();
    Configuration conf = spark.sessionState().newHadoopConf();
    List<String> registered = new ArrayList<>();
    for (String layer : LAYERS) {
      String db = database(layer);
      List<String> tables = tablesIn(lake, layer);
      if (!tables.isEmpty() && !catalog.databaseExists(db)) {
        spark.sql("CREATE DATABASE IF NOT EXISTS " + db);
      }
      for (String table : tables) {
        String name = db + "." + table;
        Path location = qualified(new Path(lake.path(layer + "." + table)), conf);
        if (catalog.tableExists(db, table)) {
          if (location.equals(qualified(new Path(catalog.getTable(db, table).location()), conf))) {
            registered.add(name);
            continue;
          }
          spark.sql("DROP TABLE " + name);
        }
        spark.sql("CREATE TABLE IF NOT EXISTS " + name + " USING delta LOCATION '"
            + location.toString().replace("'", "\\'") + "'");
        registered.add(name);
      }
    }
    return registered;
  }

  /** True when the session's catalogue outlives the process (a Hive metastore), so registering is worth it. */
  public static boolean persists(SparkSession spark) {
    return "hive".equals(spark.conf().get("spark.sql.catalogImplementation", "in-memory"));
  }

  private static Path qualified(Path path, Configuration conf) {
    try {
      return path.getFileSystem(conf).makeQualified(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot resolve the location " + path, e);
    }
  }

  /** Names of the Delta tables stored under one layer of the lake (folders holding a _delta_log). */
  public static List<String> tablesIn(Lake lake, String layer) {
    List<String> names = new ArrayList<>();
    try {
      Path dir = new Path(lake.root() + "/" + layer);
      FileSystem fs = dir.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return names;
      }
      for (FileStatus st : fs.listStatus(dir)) {
        if (st.isDirectory() && fs.exists(new Path(st.getPath(), "_delta_log"))) {
          String n = st.getPath().getName().toLowerCase(Locale.ROOT);
          if (n.matches("[a-z0-9_]+")) {
            names.add(n);
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot list tables under " + lake.root() + "/" + layer, e);
    }
    names.sort(String::compareTo);
    return names;
  }
}
