package uk.nhs.tto.pipeline;

import java.nio.file.Path;

/** A separate process for {@link NightlyTest}: takes the nightly lock on a lake, says so, and holds it until killed. */
public final class HoldLock {

  private HoldLock() {}

  public static void main(String[] args) throws Exception {
    try (RunLock lock = RunLock.acquire(args[0], "nightly", Path.of(System.getProperty("java.io.tmpdir")))) {
      System.out.println("locked " + lock.file());
      System.out.flush();
      Thread.sleep(Long.parseLong(args[1]) * 1000);
    }
  }
}
