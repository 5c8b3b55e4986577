package uk.nhs.tto.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.spark.sql.SparkSession;
import uk.nhs.tto.errors.TtoException;

/**
 * Tells the person running a job how far it has got, on stderr: the step, the running Spark job with its finished and
 * planned tasks, rows read and written so far, elapsed time and — where the running Spark job has finished some tasks —
 * an estimate of its time left; and one summary line when the job ends, whatever the mode.
 *
 * <p>Modes ({@code tto.progress}, env {@code TTO_PROGRESS}): {@code live} redraws one line in place at most every two
 * seconds (for a terminal; {@code scripts/tto} picks it when stderr is one); {@code on} (or {@code 1}) prints a plain
 * line at most every {@code tto.progress.interval.seconds} (10) when something changed, for logs; {@code off} (or
 * {@code 0}) prints only the summary; {@code auto} is {@code live} when the JVM has a console, else {@code off}.
 */
public final class Progress implements AutoCloseable {

  /** How progress is shown. */
  public enum Mode {
    LIVE,
    LINES,
    OFF
  }

  private static final Duration LIVE_INTERVAL = Duration.ofSeconds(2);
  /** A plain line is printed at least this often while a job runs, even when nothing was counted. */
  private static final long HEARTBEAT_TICKS = 6;

  private final Tally tally;
  private final PrintStream err;
  private final Mode mode;
  private final LongSupplier clock;
  private final ScheduledExecutorService printer;
  private SparkSession spark;
  private SparkProgressListener listener;
  private long printedAt = -1;
  private long quietTicks;
  private boolean closed;

  /** {@code interval} null: print only on {@link #tick} calls (tests drive the clock). */
  private Progress(String job, PrintStream err, Mode mode, Duration interval, LongSupplier clock) {
    this.tally = new Tally(job, clock.getAsLong());
    this.err = err;
    this.mode = mode;
    this.clock = clock;
    if (mode == Mode.OFF || interval == null) {
      this.printer = null;
    } else {
      long every = (mode == Mode.LIVE ? LIVE_INTERVAL : interval).toMillis();
      this.printer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "tto-progress");
                t.setDaemon(true);
                return t;
              });
      printer.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Starts timing {@code job} (the command name) and, unless the mode is off, printing to {@code err}. */
  public static Progress start(String job, PrintStream err, Mode mode, Duration interval) {
    return new Progress(job, err, mode, interval, System::nanoTime);
  }

  /** As {@link #start} with a clock of its own, for tests; prints only when {@link #tick} is called. */
  static Progress manual(String job, PrintStream err, Mode mode, LongSupplier clock) {
    return new Progress(job, err, mode, null, clock);
  }

  /** The mode a {@code tto.progress} setting names. */
  public static Mode mode(String setting) {
    switch (setting.trim().toLowerCase(Locale.ROOT)) {
      case "live":
        return Mode.LIVE;
      case "on":
      case "1":
      case "true":
      case "lines":
        return Mode.LINES;
      case "off":
      case "0":
      case "false":
        return Mode.OFF;
      case "auto":
        return System.console() != null ? Mode.LIVE : Mode.OFF;
      default:
        throw TtoException.of(
            "Setting tto.progress is '" + setting + "'",
            "it must be live, on, off or auto",
            "correct TTO_PROGRESS or tto.progress in the configuration");
    }
  }

  /** Counts the Spark work of {@code session} from now on (once per job; later calls are ignored). */
  public synchronized void attach(SparkSession session) {
    if (listener != null || closed) {
      return;
    }
    spark = session;
    listener = new SparkProgressListener(tally, clock);
    session.sparkContext().addSparkListener(listener);
  }

  /** Names what the job is doing now (e.g. {@code "silver.referrals"}); shown until the next step. */
  public void step(String name) {
    tally.step(name);
  }

  /** Rows Spark has read so far for this job. */
  public long rowsRead() {
    return tally.rowsRead();
  }

  /** Rows Spark has written so far for this job. */
  public long rowsWritten() {
    return tally.rowsWritten();
  }

  /** Prints a progress line if the mode and what changed call for one. */
  synchronized void tick() {
    if (closed || mode == Mode.OFF) {
      return;
    }
    long changes = tally.changes();
    if (mode == Mode.LINES && changes == printedAt && ++quietTicks < HEARTBEAT_TICKS) {
      return;
    }
    quietTicks = 0;
    printedAt = changes;
    String line = tally.line(clock.getAsLong());
    if (mode == Mode.LIVE) {
      // Carriage return and erase-to-end-of-line redraw the same terminal line.
      err.print("\r" + line + "\u001b[K");
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** The closing line for an exit code, as {@link #finish} prints it. */
  public String summary(int exitCode) {
    return tally.summary(exitCode, clock.getAsLong());
  }

  /**
   * Stops printing, lets Spark deliver the events still queued (so the counts are complete), detaches from the
   * session and prints the summary line for {@code exitCode}.
   */
  public synchronized void finish(int exitCode) {
    if (closed) {
      return;
    }
    if (printer != null) {
      printer.shutdownNow();
    }
    if (listener != null) {
      drainEvents();
      spark.sparkContext().removeSparkListener(listener);
    }
    closed = true;
    if (mode == Mode.LIVE) {
      err.print("\r\u001b[K");
    }
    err.println(summary(exitCode));
    err.flush();
  }

  /** As {@link #finish} with exit code 0 when nobody said otherwise. */
  @Override
  public void close() {
    finish(0);
  }

  private void drainEvents() {
    try {
      // Listener events are delivered asynchronously; the last tasks' rows may still be queued.
      spark.sparkContext().listenerBus().waitUntilEmpty(5_000);
    } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
      // A summary with slightly low counts is better than a job that hangs or fails at its very end.
    }
  }
}
