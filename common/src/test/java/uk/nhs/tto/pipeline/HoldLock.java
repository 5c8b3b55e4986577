package uk.nhs.tto.pipeline;

import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import uk.nhs.tto.lake.LakeLock;

/** A separate process for {@link NightlyTest}: takes the nightly lock on a lake, says so, and holds it until killed. */
public final class HoldLock {

  private HoldLock() {}

  public static void main(String[] args) throws Exception {
    try (LakeLock lock = LakeLock.acquire(args[0], new Configuration(), LakeLock.NIGHTLY, Duration.ZERO, line -> { })) {
      System.out.println("locked " + lock.where());
      System.out.flush();
      Thread.sleep(Long.parseLong(args[1]) * 1000);
    }
  }
}
