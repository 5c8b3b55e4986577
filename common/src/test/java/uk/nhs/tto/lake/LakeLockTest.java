package uk.nhs.tto.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.errors.TtoException;

/**
 * A lakehouse lock (here the ingest lock; the analyse lock is the same with its own folder): one holder at a time, a
 * waiter takes it as soon as it is released, and one that waits too long is told who holds it. (Two ingest
 * processes at once, and a holder killed with kill -9, are the reliability suite's ConcurrentIngestTest and
 * KillNineTest.)
 */
class LakeLockTest {

  private static final Duration SHORT = Duration.ofSeconds(1);

  @Test
  void aSecondIngestThatWaitsTooLongFailsWithExitCodeLockedNamingTheHolder(@TempDir Path lake) {
    try (LakeLock held = LakeLock.acquire(lake.toString(), new Configuration(), LakeLock.INGEST, SHORT, line -> {})) {
      List<String> progress = new CopyOnWriteArrayList<>();
      assertThatThrownBy(
              () -> LakeLock.acquire(lake.toString(), new Configuration(), LakeLock.INGEST, SHORT, progress::add))
          .isInstanceOfSatisfying(TtoException.class, e -> assertThat(e.exitCode()).isEqualTo(TtoException.LOCKED))
          .hasMessageContaining("Another ingest is still running on this lakehouse")
          .hasMessageContaining("tto.ingest.lock.wait.seconds");
      assertThat(progress).singleElement().asString().contains("waiting for the ingest that holds");
    }
  }

  @Test
  void aWaitingIngestTakesTheLockWhenItsHolderReleasesIt(@TempDir Path lake) throws Exception {
    LakeLock first = LakeLock.acquire(lake.toString(), new Configuration(), LakeLock.INGEST, SHORT, line -> {});
    List<String> progress = new CopyOnWriteArrayList<>();
    CompletableFuture<LakeLock> second =
        CompletableFuture.supplyAsync(
            () -> LakeLock.acquire(
                lake.toString(), new Configuration(), LakeLock.INGEST, Duration.ofSeconds(60), progress::add));
    Thread.sleep(1500);
    assertThat(second).isNotDone();
    first.close();
    try (LakeLock taken = second.get(30, TimeUnit.SECONDS)) {
      assertThat(progress).anyMatch(l -> l.startsWith("took the ingest lock"));
    }
    // Released again: the next one gets it at once.
    LakeLock.acquire(lake.toString(), new Configuration(), LakeLock.INGEST, SHORT, line -> {}).close();
  }

  @Test
  void onStorageWithoutLocksALeaseFileExcludesASecondHolderUntilReleased(@TempDir Path lake) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(lake.toUri().toString(), LakeLock.leaseFile(LakeLock.INGEST));
    LakeLock.Lease first = new LakeLock.Lease(fs, file, "first", LakeLock.INGEST);
    LakeLock.Lease second = new LakeLock.Lease(fs, file, "second", LakeLock.INGEST);

    assertThat(first.tryAcquire()).isTrue();
    assertThat(second.tryAcquire()).isFalse();
    assertThat(second.currentHolder()).isEqualTo("first");
    first.close();
    assertThat(fs.exists(file)).isFalse();
    assertThat(second.tryAcquire()).isTrue();
    second.close();
  }
}
