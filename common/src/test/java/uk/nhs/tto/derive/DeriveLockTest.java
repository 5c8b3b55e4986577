package uk.nhs.tto.derive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;
import uk.nhs.tto.testing.SparkExtension;

/** Derives of one lakehouse run one at a time: a second waits for the first, and gives up after its wait. */
@ExtendWith(SparkExtension.class)
class DeriveLockTest {

  @Test
  void aDeriveWhileAnotherHoldsTheLockWaitsThenFailsWithExitCodeLockedWritingNothing(
      SparkSession spark, @TempDir Path dir) {
    Lake lake = new Lake(spark, dir.resolve("lake").toString());
    Settings settings = Settings.defaults().with(Keys.DERIVE_LOCK_WAIT, "1");
    List<String> progress = new CopyOnWriteArrayList<>();
    try (LakeLock held = LakeLock.acquire(
        lake.root(), new Configuration(), LakeLock.DERIVE, Duration.ofSeconds(1), line -> { })) {
      assertThatThrownBy(() -> Derive.run(lake, settings, progress::add))
          .isInstanceOfSatisfying(TtoException.class, e -> assertThat(e.exitCode()).isEqualTo(TtoException.LOCKED))
          .hasMessageContaining("derive")
          .hasMessageContaining(Keys.DERIVE_LOCK_WAIT);
    }
    assertThat(progress).singleElement().asString().contains("waiting for the derive that holds");
    assertThat(Derive.TABLES).noneMatch(lake::exists);
  }
}
