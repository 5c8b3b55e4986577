package uk.nhs.tto.errors;

/**
 * The one kind of error a user of tt-outcomes sees: it always says what is wrong, why, and how to fix it.
 *
 * <p>Jobs catch it at the top, print {@link #getMessage()} (no stack trace) and exit with {@link #exitCode()}.
 */
public class TtoException extends RuntimeException {

  /** Exit code for bad input or bad usage (file, formula, option). */
  public static final int USAGE = 2;

  /** Exit code for data-quality thresholds exceeded (nightly). */
  public static final int DATA_QUALITY = 3;

  /** Exit code for infrastructure failure (storage, cluster, lock held). */
  public static final int INFRASTRUCTURE = 4;

  /** Exit code when another run holds the lock. */
  public static final int LOCKED = 5;

  private final int exitCode;

  private TtoException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad input or usage: {@code what} is wrong, {@code why} it matters, {@code fix} says what to do. */
  public static TtoException of(String what, String why, String fix) {
    return new TtoException(compose(what, why, fix), USAGE, null);
  }

  /** As {@link #of} with the underlying cause kept for logs. */
  public static TtoException of(String what, String why, String fix, Throwable cause) {
    return new TtoException(compose(what, why, fix), USAGE, cause);
  }

  /** An error with an explicit exit code (see the constants). */
  public static TtoException withExitCode(int exitCode, String what, String why, String fix) {
    return new TtoException(compose(what, why, fix), exitCode, null);
  }

  public int exitCode() {
    return exitCode;
  }

  private static String compose(String what, String why, String fix) {
    StringBuilder sb = new StringBuilder(what);
    if (why != null && !why.isBlank()) {
      sb.append(": ").append(why);
    }
    if (fix != null && !fix.isBlank()) {
      sb.append("; ").append(fix);
    }
    return sb.toString();
  }
}
