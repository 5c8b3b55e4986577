package uk.nhs.tto.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;

/**
 * Where the lakehouse's table catalogue (databases {@code tt_bronze}, {@code tt_gold}, … registered by
 * {@link Catalogue}) persists between processes, and the Spark settings that make a session use it.
 *
 * <ul>
 *   <li>{@code embedded} (default): an embedded Derby Hive metastore in {@code <lake>/_metastore} for a lake on local
 *       disk, or in {@code tto.metastore.dir} (default {@code ~/.tto/metastore/<lake as a folder name>}) for a lake on
 *       object storage, where Derby cannot live. Derby admits one process at a time: two {@code scripts/tto} runs on
 *       one lake at once need an external metastore.
 *   <li>{@code external}: a shared Hive metastore service at {@code tto.metastore.uris} (thrift://host:9083), for
 *       clusters where several drivers and notebooks see the same names.
 *   <li>{@code none}: the session's in-memory catalogue only; nothing outlives the process.
 * </ul>
 */
public final class Metastore {

  /** The three ways the catalogue can be kept. */
  public enum Kind {
    EMBEDDED,
    EXTERNAL,
    NONE
  }

  private final Kind kind;
  private final String uris;
  private final Path derbyHome;

  private Metastore(Kind kind, String uris, Path derbyHome) {
    this.kind = kind;
    this.uris = uris;
    this.derbyHome = derbyHome;
  }

  /**
   * The metastore the settings ask for ({@code tto.metastore}, {@code tto.metastore.uris},
   * {@code tto.metastore.dir}).
   */
  public static Metastore of(Settings settings) {
    String name = settings.stringOr(Keys.METASTORE, "embedded").toUpperCase(Locale.ROOT);
    Kind kind;
    try {
      kind = Kind.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw TtoException.of(
          "Setting " + Keys.METASTORE + " is '" + settings.string(Keys.METASTORE) + "'",
          "it must be embedded, external or none",
          "correct it in the profile (conf/<profile>.conf), the --conf file or TTO_METASTORE");
    }
    switch (kind) {
      case EXTERNAL:
        if (!settings.has(Keys.METASTORE_URIS)) {
          throw TtoException.of(
              Keys.METASTORE + " is external but " + Keys.METASTORE_URIS + " is empty",
              "an external metastore is reached at its thrift URIs",
              "set " + Keys.METASTORE_URIS + " = thrift://host:9083 (conf/cluster.conf) or use "
                  + Keys.METASTORE + " = embedded");
        }
        return new Metastore(kind, settings.string(Keys.METASTORE_URIS), null);
      case EMBEDDED:
        return new Metastore(
            kind, null, embeddedHome(settings.string(Keys.LAKE), settings.stringOr(Keys.METASTORE_DIR, "")));
      default:
        return new Metastore(kind, null, null);
    }
  }

  /**
   * The folder of an embedded metastore: the configured one, else {@code <lake>/_metastore} for a local lake, else a
   * per-lake folder under {@code ~/.tto/metastore} (Derby needs a local file system).
   */
  static Path embeddedHome(String lakeRoot, String configured) {
    if (!configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path local = localPath(lakeRoot);
    if (local != null) {
      return local.resolve("_metastore").toAbsolutePath().normalize();
    }
    String folder = lakeRoot.replaceAll("[^A-Za-z0-9._-]+", "_");
    return Path.of(System.getProperty("user.home"), ".tto", "metastore", folder);
  }

  /** The lake root as a local path, or null when it lives on another file system (s3a://, hdfs://…). */
  public static Path localPath(String lakeRoot) {
    int colon = lakeRoot.indexOf(':');
    int slash = lakeRoot.indexOf('/');
    boolean hasScheme = colon > 1 && (slash < 0 || colon < slash);
    if (!hasScheme) {
      return Path.of(lakeRoot);
    }
    return lakeRoot.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(lakeRoot)) : null;
  }

  public Kind kind() {
    return kind;
  }

  /** True when registrations outlive the process (anything but {@code none}). */
  public boolean persists() {
    return kind != Kind.NONE;
  }

  /** The embedded metastore's folder, or null for the other kinds. */
  public Path derbyHome() {
    return derbyHome;
  }

  /**
   * Spark settings for the session: Hive catalogue, and for embedded Derby its database and a warehouse folder beside
   * it (tables are always registered at their lake location, so the warehouse only holds empty database folders).
   */
  public Map<String, String> sparkSettings() {
    Map<String, String> conf = new LinkedHashMap<>();
    if (kind == Kind.NONE) {
      return conf;
    }
    conf.put("spark.sql.catalogImplementation", "hive");
    if (kind == Kind.EXTERNAL) {
      conf.put("spark.hadoop.hive.metastore.uris", uris);
      return conf;
    }
    conf.put(
        "spark.hadoop.javax.jdo.option.ConnectionURL",
        "jdbc:derby:;databaseName=" + derbyHome.resolve("metastore_db") + ";create=true");
    conf.put("spark.sql.warehouse.dir", derbyHome.resolve("warehouse").toUri().toString());
    return conf;
  }

  /**
   * Prepares this JVM before the session starts: Derby writes its log and lock files under {@code derby.system.home},
   * which defaults to the working directory — it must be the metastore's own folder instead.
   */
  public void prepareJvm() {
    if (kind != Kind.EMBEDDED) {
      return;
    }
    try {
      Files.createDirectories(derbyHome);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the metastore folder " + derbyHome, e);
    }
    System.setProperty("derby.system.home", derbyHome.toString());
    System.setProperty("derby.stream.error.file", derbyHome.resolve("derby.log").toString());
  }

  /** One line for logs: which catalogue, where. */
  public String describe() {
    switch (kind) {
      case EMBEDDED:
        return "embedded metastore at " + derbyHome;
      case EXTERNAL:
        return "external metastore at " + uris;
      default:
        return "no persistent metastore";
    }
  }
}
