package uk.nhs.tto.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;

class MetastoreTest {

  private static Settings lake(String root) {
    return Settings.defaults().with(Keys.LAKE, root);
  }

  @Test
  void aLocalLakeKeepsItsEmbeddedMetastoreInside(@TempDir Path dir) {
    Metastore m = Metastore.of(lake(dir.resolve("lakehouse").toString()));

    assertThat(m.kind()).isEqualTo(Metastore.Kind.EMBEDDED);
    assertThat(m.derbyHome()).isEqualTo(dir.resolve("lakehouse").resolve("_metastore"));
    assertThat(m.sparkSettings())
        .containsEntry("spark.sql.catalogImplementation", "hive")
        .containsEntry(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + dir.resolve("lakehouse/_metastore/metastore_db") + ";create=true")
        .containsEntry("spark.sql.warehouse.dir", dir.resolve("lakehouse/_metastore/warehouse").toUri().toString());
  }

  @Test
  void fileUrisAndRelativePathsAreLocalLakes() {
    assertThat(Metastore.localPath("file:/data/lake")).isEqualTo(Path.of("/data/lake"));
    assertThat(Metastore.localPath("lakehouse")).isEqualTo(Path.of("lakehouse"));
    assertThat(Metastore.localPath("s3a://bucket/lake")).isNull();
    assertThat(Metastore.localPath("hdfs://nn:8020/lake")).isNull();
  }

  @Test
  void aLakeOnObjectStorageKeepsItsMetastoreInTheHomeFolderUnlessTold(@TempDir Path dir) {
    Metastore byDefault = Metastore.of(lake("s3a://nhs-tto/lake"));
    Metastore told = Metastore.of(lake("s3a://nhs-tto/lake").with(Keys.METASTORE_DIR, dir.toString()));

    assertThat(byDefault.derbyHome())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".tto", "metastore", "s3a_nhs-tto_lake"));
    assertThat(told.derbyHome()).isEqualTo(dir);
  }

  @Test
  void anExternalMetastoreIsReachedAtItsUris() {
    Settings s =
        lake("s3a://b/lake").with(Map.of(Keys.METASTORE, "external", Keys.METASTORE_URIS, "thrift://hms:9083"));

    Metastore m = Metastore.of(s);

    assertThat(m.sparkSettings())
        .containsOnly(
            Map.entry("spark.sql.catalogImplementation", "hive"),
            Map.entry("spark.hadoop.hive.metastore.uris", "thrift://hms:9083"));
    assertThat(m.describe()).isEqualTo("external metastore at thrift://hms:9083");
  }

  @Test
  void anExternalMetastoreWithoutUrisIsAClearError() {
    assertThatThrownBy(() -> Metastore.of(lake("lakehouse").with(Keys.METASTORE, "external")))
        .hasMessageContaining("tto.metastore is external but tto.metastore.uris is empty")
        .hasMessageContaining("thrift://host:9083");
  }

  @Test
  void noneKeepsTheSessionCatalogueAndAnUnknownKindIsRefused() {
    Metastore none = Metastore.of(lake("lakehouse").with(Keys.METASTORE, "none"));

    assertThat(none.persists()).isFalse();
    assertThat(none.sparkSettings()).isEmpty();
    assertThatThrownBy(() -> Metastore.of(lake("lakehouse").with(Keys.METASTORE, "glue")))
        .hasMessageContaining("it must be embedded, external or none");
  }

  @Test
  void theSessionGetsTheS3EndpointAndPassThroughKeysWhichWin(@TempDir Path dir) {
    Settings s =
        lake(dir.toString())
            .with(
                Map.of(
                    Keys.S3_ENDPOINT, "http://127.0.0.1:9000",
                    "tto.spark.spark.sql.shuffle.partitions", "4",
                    "tto.spark.spark.sql.warehouse.dir", "/elsewhere"));

    Map<String, String> conf = Sessions.sparkSettings(s, Metastore.of(s));

    assertThat(conf)
        .containsEntry("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000")
        .containsEntry("spark.sql.shuffle.partitions", "4")
        .containsEntry("spark.sql.warehouse.dir", "/elsewhere")
        .containsEntry("spark.sql.catalogImplementation", "hive");
  }
}
