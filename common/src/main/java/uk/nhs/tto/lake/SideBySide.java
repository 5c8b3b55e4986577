package uk.nhs.tto.lake;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Two independent pieces of Spark work run at the same time, e.g. commits to two different tables: one's driver-side
 * work (planning, Delta's log snapshots and commits) then overlaps the other's tasks instead of leaving cores idle.
 */
public final class SideBySide {

  private SideBySide() {}

  /**
   * Runs {@code a} on a thread of its own (named {@code name}) and {@code b} on the caller's, and returns when both
   * have finished. A failure is rethrown as it was raised, {@code a}'s first when both fail.
   */
  public static void run(String name, Runnable a, Runnable b) {
    CompletableFuture<Void> first = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        a.run();
        first.complete(null);
      } catch (Throwable t) {
        first.completeExceptionally(t);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    Throwable failed = null;
    try {
      b.run();
    } catch (RuntimeException | Error e) {
      failed = e;
    }
    try {
      first.get();
    } catch (ExecutionException e) {
      failed = e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
    if (failed instanceof RuntimeException e) {
      throw e;
    }
    if (failed instanceof Error e) {
      throw e;
    }
    if (failed != null) {
      throw new IllegalStateException(failed);
    }
  }
}
