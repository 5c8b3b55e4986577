package uk.nhs.tto.progress;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counts a progress line is made of — Spark jobs, tasks, rows read and written — and the line itself. Kept apart
 * from Spark's listener types so that the arithmetic (notably the time-left estimate) is testable with made-up events
 * and a made-up clock. Safe to update from Spark's listener thread while the printer thread reads.
 */
final class Tally {

  private final String job;
  private final long startNanos;
  private final AtomicLong jobsDone = new AtomicLong();
  private final AtomicLong tasksDone = new AtomicLong();
  private final AtomicLong rowsRead = new AtomicLong();
  private final AtomicLong rowsWritten = new AtomicLong();
  private final AtomicLong changes = new AtomicLong();
  private final Map<Integer, SparkJob> active = new ConcurrentHashMap<>();
  private volatile SparkJob latest;
  private volatile String step;

  /** One running Spark job: its tasks (all stages, as planned when it started) and how many have finished. */
  private static final class SparkJob {
    final String name;
    final long total;
    final long startNanos;
    final AtomicLong done = new AtomicLong();

    SparkJob(String name, long total, long startNanos) {
      this.name = name;
      this.total = total;
      this.startNanos = startNanos;
    }
  }

  Tally(String job, long startNanos) {
    this.job = job;
    this.startNanos = startNanos;
  }

  void step(String name) {
    step = name;
    changes.incrementAndGet();
  }

  void jobStarted(int jobId, String name, long tasks, long nowNanos) {
    SparkJob j = new SparkJob(name, tasks, nowNanos);
    active.put(jobId, j);
    latest = j;
    changes.incrementAndGet();
  }

  void taskEnded(int jobId, long read, long written) {
    tasksDone.incrementAndGet();
    rowsRead.addAndGet(read);
    rowsWritten.addAndGet(written);
    SparkJob j = active.get(jobId);
    if (j != null) {
      j.done.incrementAndGet();
    }
    changes.incrementAndGet();
  }

  void jobEnded(int jobId) {
    if (active.remove(jobId) != null) {
      jobsDone.incrementAndGet();
    }
    changes.incrementAndGet();
  }

  /** A number that grows whenever anything is counted, so a printer can skip lines that would say nothing new. */
  long changes() {
    return changes.get();
  }

  long rowsRead() {
    return rowsRead.get();
  }

  long rowsWritten() {
    return rowsWritten.get();
  }

  long tasksDone() {
    return tasksDone.get();
  }

  long jobsDone() {
    return jobsDone.get();
  }

  /**
   * The progress line: job, elapsed, step, the running Spark job with its finished tasks, rows, and — once some of
   * its tasks have finished — the time it has left, assuming its remaining tasks take as long as its finished ones.
   */
  String line(long nowNanos) {
    StringBuilder sb = new StringBuilder("tto ").append(job).append(" · ").append(duration(nowNanos - startNanos));
    if (step != null) {
      sb.append(" · ").append(step);
    }
    SparkJob j = latest;
    if (j != null && active.containsValue(j)) {
      long done = Math.min(j.done.get(), j.total);
      sb.append(" · ").append(j.name).append(" · tasks ").append(done).append('/').append(j.total);
      if (done > 0 && done < j.total) {
        long left = (nowNanos - j.startNanos) / done * (j.total - done);
        sb.append(" · ~").append(duration(left)).append(" left");
      }
    }
    sb.append(" · ").append(count(rowsRead.get())).append(" rows read, ").append(count(rowsWritten.get()))
        .append(" written");
    return sb.toString();
  }

  /** The closing line: how the job ended, how long it took and what Spark did for it. */
  String summary(int exitCode, long nowNanos) {
    String outcome = exitCode == 0 ? "finished" : "failed (exit " + exitCode + ")";
    if (jobsDone.get() == 0 && tasksDone.get() == 0) {
      return "tto " + job + ": " + outcome + " in " + duration(nowNanos - startNanos);
    }
    return String.format(
        Locale.ROOT,
        "tto %s: %s in %s · %s Spark jobs, %s tasks · %s rows read, %s written",
        job,
        outcome,
        duration(nowNanos - startNanos),
        count(jobsDone.get()),
        count(tasksDone.get()),
        count(rowsRead.get()),
        count(rowsWritten.get()));
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
  static String duration(long nanos) {
    long s = Math.max(0, nanos) / 1_000_000_000L;
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** A count with thousands separators, e.g. {@code 1,234,567}. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
