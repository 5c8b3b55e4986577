package uk.nhs.tto.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class CatalogueTest {

  private final SparkSession spark;

  CatalogueTest(SparkSession spark) {
    this.spark = spark;
  }

  @AfterEach
  void forgetRegistrations() {
    // The shared session outlives this class; registrations (never data) are dropped so no other test sees them.
    for (String layer : Catalogue.LAYERS) {
      spark.sql("DROP DATABASE IF EXISTS " + Catalogue.database(layer) + " CASCADE");
    }
  }

  private Lake lakeWithCourses(Path root, int courses) {
    Lake lake = new Lake(spark, root.toString());
    lake.overwrite("gold.courses", spark.range(courses).toDF("PathwayID"));
    return lake;
  }

  @Test
  void everyDeltaTableIsRegisteredInTheDatabaseOfItsLayer(@TempDir Path dir) {
    Lake lake = lakeWithCourses(dir, 3);
    lake.overwrite("bronze.ids101referral", spark.range(2).toDF("PathwayID"));

    assertThat(Catalogue.registerAll(lake)).containsExactly("tt_bronze.ids101referral", "tt_gold.courses");
    assertThat(spark.sql("SELECT count(*) FROM tt_gold.courses").first().getLong(0)).isEqualTo(3);
    assertThat(spark.sql("SELECT count(*) FROM tt_bronze.ids101referral").first().getLong(0)).isEqualTo(2);
  }

  @Test
  void registeringAgainChangesNothing(@TempDir Path dir) {
    Lake lake = lakeWithCourses(dir, 3);

    Catalogue.registerAll(lake);
    Catalogue.registerAll(lake);

    assertThat(spark.sql("SELECT count(*) FROM tt_gold.courses").first().getLong(0)).isEqualTo(3);
  }

  @Test
  void registeringAgainLeavesARegistrationAtTheSameLocationAsItIs(@TempDir Path dir) {
    Lake lake = lakeWithCourses(dir, 3);
    Catalogue.registerAll(lake);
    long created = spark.sessionState().catalog().externalCatalog().getTable("tt_gold", "courses").createTime();

    Catalogue.registerAll(lake);

    assertThat(spark.sessionState().catalog().externalCatalog().getTable("tt_gold", "courses").createTime())
        .as("not dropped and created again").isEqualTo(created);
  }

  @Test
  void aLakeGivenByARelativePathIsRegisteredAtItsAbsoluteLocation() throws Exception {
    // As scripts/tto's default lake, "lakehouse": relative to the working directory, not to the metastore.
    Path relative = Path.of("target", "catalogue-relative-" + System.nanoTime());
    try {
      Lake lake = lakeWithCourses(relative, 4);

      Catalogue.registerAll(lake);

      assertThat(spark.sql("SELECT count(*) FROM tt_gold.courses").first().getLong(0)).isEqualTo(4);
      assertThat(Path.of(spark.sessionState().catalog().externalCatalog().getTable("tt_gold", "courses").location()))
          .isEqualTo(relative.resolve("gold/courses").toAbsolutePath());
    } finally {
      try (var files = java.nio.file.Files.walk(relative)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void aNameRegisteredForAnotherLakeIsPointedAtThisOneWithoutTouchingTheOther(@TempDir Path dir) {
    Lake copied = lakeWithCourses(dir.resolve("old"), 3);
    Lake current = lakeWithCourses(dir.resolve("new"), 5);
    Catalogue.registerAll(copied);

    Catalogue.registerAll(current);

    assertThat(spark.sql("SELECT count(*) FROM tt_gold.courses").first().getLong(0)).isEqualTo(5);
    assertThat(copied.read("gold.courses").count()).isEqualTo(3);
  }

  @Test
  void aSessionWithoutHiveDoesNotPersistItsCatalogue() {
    assertThat(Catalogue.persists(spark)).isFalse();
  }
}
