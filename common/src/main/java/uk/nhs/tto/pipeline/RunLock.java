package uk.nhs.tto.pipeline;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import uk.nhs.tto.errors.TtoException;

/**
 * An exclusive lock that keeps two nightly runs off one lakehouse at a time. It is an operating-system file lock,
 * so it is released when its process ends however it ends (a {@code kill -9} leaves no stale lock behind).
 *
 * <p>A local lake keeps its lock file at {@code <lake>/_locks/<name>.lock}; a lake on object storage (which has
 * no locks) keeps it in {@code lockDir} named after a hash of the lake URI, so runs scheduled on one host
 * exclude each other. Runs on different hosts must be kept apart by the scheduler.
 */
public final class RunLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;
  private final Path file;

  private RunLock(FileChannel channel, FileLock lock, Path file) {
    this.channel = channel;
    this.lock = lock;
    this.file = file;
  }

  /** Where the lock for {@code name} on {@code lakeRoot} lives. */
  public static Path lockFile(String lakeRoot, String name, Path lockDir) {
    if (!lakeRoot.contains("://") || lakeRoot.startsWith("file:")) {
      String local = lakeRoot.startsWith("file:") ? lakeRoot.replaceFirst("^file:(//)?", "") : lakeRoot;
      return Path.of(local, "_locks", name + ".lock");
    }
    return lockDir.resolve("tto-" + name + "-" + shortHash(lakeRoot) + ".lock");
  }

  /**
   * Takes the lock or fails at once with exit code {@link TtoException#LOCKED} and a message saying who holds it.
   */
  public static RunLock acquire(String lakeRoot, String name, Path lockDir) {
    Path file = lockFile(lakeRoot, name, lockDir);
    try {
      Files.createDirectories(file.getParent());
      FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        ch.close();
        throw TtoException.withExitCode(
            TtoException.LOCKED,
            "Another " + name + " run holds the lock on " + lakeRoot + (holder.isEmpty() ? "" : " (" + holder + ")"),
            "two runs on one lakehouse at once could interleave their writes",
            "wait for it to finish; this run has changed nothing");
      }
      ch.truncate(0);
      ch.write(java.nio.ByteBuffer.wrap(
          ("pid " + ProcessHandle.current().pid() + " since " + java.time.Instant.now()).getBytes(
              StandardCharsets.UTF_8)));
      ch.force(false);
      return new RunLock(ch, lock, file);
    } catch (IOException e) {
      throw TtoException.withExitCode(
          TtoException.INFRASTRUCTURE,
          "Cannot take the " + name + " lock at " + file,
          e.getMessage(),
          "check that the folder is writable");
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The lock dies with the channel or the process; nothing is left to undo.
    }
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
