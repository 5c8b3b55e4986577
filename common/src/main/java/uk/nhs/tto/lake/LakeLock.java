package uk.nhs.tto.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;

/**
 * Lets one job of a kind at a time write a lakehouse: one ingest (a second one waits for it, up to
 * {@code tto.ingest.lock.wait.seconds}, then finds the files the first ingested already recorded and skips them), and
 * one analyse writing its results (a second one waits, up to {@code tto.analyse.lock.wait.seconds}).
 *
 * <p>Without it two ingests race: both survey before either records its files, so the same extract is appended
 * twice under two attempts' idempotency tokens; one ingest takes the other's pending-batch marker for a killed
 * run and rolls its rows back while it is still appending; and the first commits that create a table collide. Two
 * analyses race too: each clears the result rows of runs killed before they were recorded, which must never be the
 * rows of a run that is still writing.
 *
 * <p>On a local lakehouse the lock is an operating-system lock on {@code <lake>/_<kind>/lock}, which the kernel
 * releases when the process ends however it ends, so a killed job never blocks the next one. Other storage
 * ({@code s3a://}) has no such locks: there the lock is a lease file, {@code <lake>/_<kind>/lock.lease}, that its
 * holder rewrites every few seconds and that a waiting job takes over once it has not changed for a minute.
 * Object stores cannot create a file only if it is absent, so two jobs starting within the same second could
 * both take a lease; each therefore re-reads the lease after a pause and keeps it only if it still names it.
 */
public abstract class LakeLock implements AutoCloseable {

  /**
   * What a lock keeps to one job at a time: its name (also its folder, {@code _<name>}), why, and the key of how long
   * a second job waits (null for a kind that never waits).
   */
  public record Kind(String name, String why, String waitKey) {}

  /** One ingest at a time. */
  public static final Kind INGEST = new Kind("ingest",
      "ingests of one lakehouse run one at a time, so that none repeats or undoes another's files",
      Keys.INGEST_LOCK_WAIT);

  /**
   * One nightly run at a time. It does not wait: a scheduler's second run stops at once with exit code 5, changing
   * nothing, and the next scheduled run finds whatever is still out of date (it has no wait key).
   */
  public static final Kind NIGHTLY = new Kind("nightly",
      "two nightly runs on one lakehouse at once could interleave their writes", null);

  /** One derive at a time; also held by a purge while it removes earlier versions of silver and gold. */
  public static final Kind DERIVE = new Kind("derive",
      "derives of one lakehouse run one at a time, so that silver and gold are never written by two runs at once"
          + " nor their earlier versions removed while a derive writes",
      Keys.DERIVE_LOCK_WAIT);

  /** One analyse writing results at a time. */
  public static final Kind ANALYSE = new Kind("analyse",
      "analyses of one lakehouse write their results one at a time, so that clearing the rows of a killed run"
          + " never touches a run still writing",
      Keys.ANALYSE_LOCK_WAIT);


  static String localFile(Kind kind) {
    return "_" + kind.name() + "/lock";
  }

  static String leaseFile(Kind kind) {
    return localFile(kind) + ".lease";
  }

  private static final Duration POLL = Duration.ofSeconds(1);

  private final String where;
  private final Kind kind;

  LakeLock(String where, Kind kind) {
    this.where = where;
    this.kind = kind;
  }

  /** Takes the lakehouse's lock of this kind, waiting up to {@code wait} for the job holding it. */
  public static LakeLock acquire(
      String lakeRoot, Configuration conf, Kind kind, Duration wait, Consumer<String> progress) {
    String holder = holder();
    try {
      FileSystem fs = new Path(lakeRoot).getFileSystem(conf);
      if ("file".equals(fs.getScheme())) {
        java.nio.file.Path file =
            java.nio.file.Path.of(fs.makeQualified(new Path(lakeRoot, localFile(kind))).toUri());
        return new Local(file, holder, kind).await(wait, progress);
      }
      return new Lease(fs, fs.makeQualified(new Path(lakeRoot, leaseFile(kind))), holder, kind).await(wait, progress);
    } catch (IOException e) {
      throw TtoException.withExitCode(
          TtoException.INFRASTRUCTURE,
          "Cannot take the " + kind.name() + " lock of the lakehouse " + lakeRoot,
          e.toString(),
          "check that the lakehouse is writable, then run " + kind.name() + " again");
    }
  }

  /**
   * Takes the lakehouse's lock of this kind, waiting for the job holding it as long as the kind's own setting
   * ({@link Kind#waitKey}) in {@code settings} says.
   */
  public static LakeLock acquire(
      String lakeRoot, Configuration conf, Kind kind, Settings settings, Consumer<String> progress) {
    if (kind.waitKey() == null) {
      throw new IllegalArgumentException("The " + kind.name() + " lock has no wait setting; give its wait");
    }
    return acquire(lakeRoot, conf, kind, Duration.ofSeconds(settings.integer(kind.waitKey())), progress);
  }

  /** Every kind of lock, in the order a pipeline run takes them. */
  public static final List<Kind> KINDS = List.of(NIGHTLY, INGEST, DERIVE, ANALYSE);

  /**
   * Whether a job holds the lock now, found without touching it. {@code held} is null when it cannot be told: on a
   * local lakehouse whose system does not list its locks ({@code /proc/locks}, Linux). {@code holder} is what the
   * holder wrote (process, host, since when), or the last holder's when the lock is free.
   */
  public record State(Kind kind, Boolean held, String holder, String where) {

    /** {@code derive: held by 123@host since …}, {@code ingest: free}. */
    public String describe() {
      if (held == null) {
        return kind.name() + ": unknown (last taken by " + holder + ")";
      }
      return kind.name() + ": " + (held ? "held by " + holder : "free");
    }
  }

  /**
   * The state of the lakehouse's lock of this kind, read without taking it: taking it, even for a moment, could turn
   * away a job starting at that moment (a nightly run does not wait).
   */
  public static State probe(String lakeRoot, Configuration conf, Kind kind) {
    try {
      FileSystem fs = new Path(lakeRoot).getFileSystem(conf);
      if ("file".equals(fs.getScheme())) {
        java.nio.file.Path file =
            java.nio.file.Path.of(fs.makeQualified(new Path(lakeRoot, localFile(kind))).toUri());
        return Local.probe(file, kind);
      }
      Path lease = fs.makeQualified(new Path(lakeRoot, leaseFile(kind)));
      return new Lease(fs, lease, holder(), kind).probe();
    } catch (IOException e) {
      return new State(kind, null, "cannot be read: " + e, lakeRoot);
    }
  }

  /** Tries once; true when this process now holds the lock. */
  abstract boolean tryAcquire() throws IOException;

  /** Who holds the lock, as its holder wrote it (process, host, since when), for messages. */
  abstract String currentHolder();

  final Kind kind() {
    return kind;
  }

  /** The lock's file, for messages. */
  public final String where() {
    return where;
  }

  @Override
  public abstract void close();

  final LakeLock await(Duration wait, Consumer<String> progress) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    boolean told = false;
    while (!tryAcquire()) {
      if (wait.isZero()) {
        throw TtoException.withExitCode(
            TtoException.LOCKED,
            "Another " + kind.name() + " holds the lock of this lakehouse (" + currentHolder() + ", lock " + where()
                + ")",
            kind.why(),
            "run " + kind.name() + " again when it has finished; this run has changed nothing");
      }
      if (!told) {
        progress.accept(
            "waiting for the " + kind.name() + " that holds " + where() + " (" + currentHolder() + ") to finish");
        told = true;
      }
      if (System.nanoTime() > deadline) {
        throw TtoException.withExitCode(
            TtoException.LOCKED,
            "Another " + kind.name() + " is still running on this lakehouse after " + wait.toSeconds() + " s ("
                + currentHolder() + ", lock " + where() + ")",
            kind.why(),
            "run " + kind.name() + " again when it has finished, or raise " + kind.waitKey());
      }
      sleep(POLL);
    }
    if (told) {
      progress.accept("took the " + kind.name() + " lock " + where());
    }
    return this;
  }

  /** {@code pid@host since <instant>}: enough to find the process that holds the lock. */
  private static String holder() {
    return ManagementFactory.getRuntimeMXBean().getName() + " since " + Instant.now();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a lakehouse lock", e);
    }
  }

  /**
   * An operating-system lock on a local file, released by the kernel when the process ends. POSIX drops a
   * process's lock when any of its descriptors of the file is closed, so within one JVM the file is opened only
   * by the holder: {@link #HELD} turns away a second job of the same process before it opens the file.
   */
  private static final class Local extends LakeLock {

    private static final Set<java.nio.file.Path> HELD = ConcurrentHashMap.newKeySet();

    private final java.nio.file.Path file;
    private final String holder;
    private FileChannel channel;
    private FileLock lock;

    Local(java.nio.file.Path file, String holder, Kind kind) throws IOException {
      super(file.toString(), kind);
      this.file = file;
      this.holder = holder;
      Files.createDirectories(file.getParent());
    }

    @Override
    boolean tryAcquire() throws IOException {
      if (!HELD.add(file)) {
        return false;
      }
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock taken;
      try {
        taken = ch.tryLock();
      } catch (IOException | RuntimeException e) {
        ch.close();
        HELD.remove(file);
        throw e;
      }
      if (taken == null) {
        ch.close();
        HELD.remove(file);
        return false;
      }
      channel = ch;
      lock = taken;
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
      return true;
    }

    /**
     * Held when this process holds it, or when the kernel lists a lock on the file's inode ({@code /proc/locks}: one
     * line per lock, {@code 1: POSIX ADVISORY WRITE <pid> <major>:<minor>:<inode> 0 EOF}); unknown where there is no
     * such list.
     */
    static State probe(java.nio.file.Path file, Kind kind) throws IOException {
      if (!Files.exists(file)) {
        return new State(kind, false, null, file.toString());
      }
      String holder = holderIn(file);
      if (HELD.contains(file)) {
        return new State(kind, true, "this process", file.toString());
      }
      java.nio.file.Path locks = java.nio.file.Path.of("/proc/locks");
      if (!Files.isReadable(locks)) {
        return new State(kind, null, holder, file.toString());
      }
      // st_dev as Linux encodes it; /proc/locks prints major and minor in hex, the inode in decimal.
      long dev = (Long) Files.getAttribute(file, "unix:dev");
      String id = String.format(Locale.ROOT, "%02x:%02x:%d", (dev >> 8) & 0xfff,
          (dev & 0xff) | ((dev >> 12) & 0xfff00), (Long) Files.getAttribute(file, "unix:ino"));
      boolean held = Files.readAllLines(locks, StandardCharsets.UTF_8).stream()
          .map(line -> line.trim().split("\\s+"))
          .anyMatch(f -> f.length > 5 && f[5].equals(id));
      return new State(kind, held, holder, file.toString());
    }

    @Override
    String currentHolder() {
      if (HELD.contains(file)) {
        return "another job in this process";
      }
      return holderIn(file);
    }

    /** What the last holder wrote into the lock file. */
    private static String holderIn(java.nio.file.Path file) {
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? "holder unknown" : text;
      } catch (IOException e) {
        return "holder unknown";
      }
    }

    @Override
    public void close() {
      if (channel == null) {
        return;
      }
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        // The kernel drops the lock when the process ends anyway.
      } finally {
        lock = null;
        channel = null;
        HELD.remove(file);
      }
    }
  }

  /** A lease file on storage without locks, kept fresh by a daemon thread while held. */
  static final class Lease extends LakeLock {

    private static final Duration RENEW = Duration.ofSeconds(10);
    private static final Duration STALE = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(3);

    private final FileSystem fs;
    private final Path file;
    private final String token;
    private final String holder;
    private long seenModified = -1;
    private long seenSince;
    private Thread renewer;

    Lease(FileSystem fs, Path file, String holder, Kind kind) {
      super(file.toString(), kind);
      this.fs = fs;
      this.file = file;
      this.holder = holder;
      this.token = UUID.randomUUID().toString();
    }

    @Override
    boolean tryAcquire() throws IOException {
      FileStatus status = status();
      if (status != null) {
        // Staleness is judged by how long this process has seen the lease unchanged, not by comparing clocks.
        if (status.getModificationTime() != seenModified) {
          seenModified = status.getModificationTime();
          seenSince = System.nanoTime();
          return false;
        }
        if (System.nanoTime() - seenSince < STALE.toNanos()) {
          return false;
        }
        fs.delete(file, false);
      }
      try {
        write(false);
      } catch (FileAlreadyExistsException raced) {
        return false;
      }
      sleep(SETTLE);
      if (!token.equals(firstLine())) {
        return false;
      }
      renewer = new Thread(this::renew, "tto-lease-" + file.getParent().getName());
      renewer.setDaemon(true);
      renewer.start();
      return true;
    }

    private void renew() {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(RENEW.toMillis());
          if (token.equals(firstLine())) {
            write(true);
          }
        } catch (InterruptedException e) {
          return;
        } catch (IOException e) {
          // Try again at the next renewal; the lease goes stale only after a minute without one.
        }
      }
    }

    private void write(boolean overwrite) throws IOException {
      try (OutputStream out = fs.create(file, overwrite)) {
        out.write((token + "\n" + holder + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }

    private FileStatus status() throws IOException {
      try {
        return fs.getFileStatus(file);
      } catch (java.io.FileNotFoundException e) {
        return null;
      }
    }

    private String firstLine() throws IOException {
      String[] lines = contents().split("\n");
      return lines[0];
    }

    private String contents() throws IOException {
      try (InputStream in = fs.open(file)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.FileNotFoundException e) {
        return "";
      }
    }

    /**
     * Held while the lease is fresh: changed within the time after which a waiting job takes it over, judged here by
     * the storage's modification time against this machine's clock (for display only; taking over never compares
     * clocks).
     */
    State probe() throws IOException {
      FileStatus status = status();
      if (status == null) {
        return new State(kind(), false, null, where());
      }
      long age = System.currentTimeMillis() - status.getModificationTime();
      return new State(kind(), age < STALE.toMillis(), currentHolder(), where());
    }

    @Override
    String currentHolder() {
      try {
        String[] lines = contents().split("\n");
        return lines.length > 1 ? lines[1] : "holder unknown";
      } catch (IOException e) {
        return "holder unknown";
      }
    }

    @Override
    public void close() {
      if (renewer == null) {
        return;
      }
      renewer.interrupt();
      renewer = null;
      try {
        if (token.equals(firstLine())) {
          fs.delete(file, false);
        }
      } catch (IOException e) {
        // A lease left behind goes stale and is taken over after a minute.
      }
    }
  }
}
