package uk.nhs.tto.analysis;

import java.util.Objects;
import uk.nhs.tto.errors.TtoException;

/**
 * Which versions of the gold tables an analysis reads: the latest, a Delta version number, a point in time, or
 * exactly the versions an earlier run recorded in {@code results.runs} (Delta time travel makes each of these
 * reproducible).
 */
public final class AsOf {

  /** The four ways of naming input versions. */
  public enum Kind {
    LATEST,
    VERSION,
    TIMESTAMP,
    RUN
  }

  private final Kind kind;
  private final long version;
  private final String text;

  private AsOf(Kind kind, long version, String text) {
    this.kind = kind;
    this.version = version;
    this.text = text;
  }

  /** The current version of every input table. */
  public static AsOf latest() {
    return new AsOf(Kind.LATEST, -1, null);
  }

  /**
   * Version {@code n} of both gold tables. Derive writes {@code gold.courses} and {@code gold.score_pairs} once per
   * run, so one number names the same derive run in both; {@link PinnedInputs} verifies that before reading.
   */
  public static AsOf version(long n) {
    if (n < 0) {
      throw TtoException.of(
          "--as-of-version is " + n, "Delta versions start at 0", "give a version listed by DESCRIBE HISTORY");
    }
    return new AsOf(Kind.VERSION, n, null);
  }

  /** The versions current at a time ({@code yyyy-MM-dd}, {@code yyyy-MM-dd HH:mm:ss} or ISO-8601, UTC). */
  public static AsOf timestamp(String timestamp) {
    if (timestamp == null || timestamp.isBlank()) {
      throw TtoException.of(
          "--as-of-timestamp is empty",
          "it names the time whose table versions to read",
          "write e.g. 2024-05-01 12:00:00");
    }
    return new AsOf(Kind.TIMESTAMP, -1, timestamp.trim());
  }

  /** The input versions recorded by an earlier run in {@code results.runs}. */
  public static AsOf run(String runId) {
    if (runId == null || runId.isBlank()) {
      throw TtoException.of(
          "--as-of-run is empty", "it names a run in results.runs", "give a run id printed by an earlier analyse");
    }
    return new AsOf(Kind.RUN, -1, runId.trim());
  }

  public Kind kind() {
    return kind;
  }

  /** The version number of a {@link Kind#VERSION}. */
  public long version() {
    return version;
  }

  /** The timestamp of a {@link Kind#TIMESTAMP} or the run id of a {@link Kind#RUN}. */
  public String text() {
    return text;
  }

  /** How the run was pinned, for {@code results.runs} and reports: {@code latest}, {@code version 3}, … */
  public String describe() {
    switch (kind) {
      case VERSION:
        return "version " + version;
      case TIMESTAMP:
        return "timestamp " + text;
      case RUN:
        return "run " + text;
      default:
        return "latest";
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AsOf a && a.kind == kind && a.version == version && Objects.equals(a.text, text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, version, text);
  }

  @Override
  public String toString() {
    return describe();
  }
}
