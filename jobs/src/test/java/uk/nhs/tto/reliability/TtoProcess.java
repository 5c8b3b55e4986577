package uk.nhs.tto.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@code scripts/tto} command ({@code uk.nhs.tto.jobs.Main}) as a JVM of its own, the way
 * {@code scripts/tto} does but on the test classpath (the packaged jar may not exist yet while tests run): its
 * working directory is the project root, Spark runs {@code local[2]} on loopback, output goes to two files. Only
 * a separate process can be killed with {@code kill -9} or run beside another with its own SparkSession.
 *
 * <pre>{@code
 * TtoProcess.Result r = TtoProcess.of("ingest", "--extracts", x, "--lake", lake).logTo(dir, "ingest").run();
 * }</pre>
 */
public final class TtoProcess {

  /** Generous: a pipeline step on a loaded two-core machine. */
  public static final Duration TIMEOUT = Duration.ofMinutes(20);

  private final List<String> argv;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> jvmOptions = new ArrayList<>();
  private Path stdout;
  private Path stderr;

  private TtoProcess(List<String> argv) {
    this.argv = List.copyOf(argv);
  }

  /** {@code scripts/tto <command> <args…>}. */
  public static TtoProcess of(String command, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(command);
    argv.addAll(List.of(args));
    return new TtoProcess(argv);
  }

  /** An environment variable of the job (the test JVM's own TTO_* variables are never passed on). */
  public TtoProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** An extra JVM option, e.g. a system property. */
  public TtoProcess jvm(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** Sends stdout and stderr to {@code <dir>/<name>.out} and {@code <dir>/<name>.err}. */
  public TtoProcess logTo(Path dir, String name) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.stdout = dir.resolve(name + ".out");
    this.stderr = dir.resolve(name + ".err");
    return this;
  }

  /** Starts the JVM and returns at once. */
  public Started start() {
    if (stdout == null) {
      throw new IllegalStateException("call logTo(dir, name) first");
    }
    Path root = ProjectTree.root();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx768m");
    // Short runs on tiny data: the quick JIT and one GC thread spend less of a shared two-core machine.
    cmd.add("-XX:TieredStopAtLevel=1");
    // A quick-JIT-only JVM reserves 48 MB for compiled code, which a whole run-local's generated classes can fill;
    // the JVM then fails to link a method handle ("Out of space in CodeCache for method handle intrinsic") and the
    // job dies. The tiered JVM's default reservation leaves room (address space only until code is compiled).
    cmd.add("-XX:ReservedCodeCacheSize=240m");
    cmd.add("-XX:+UseSerialGC");
    // The --add-opens list Spark needs, exactly as surefire passed it to this JVM.
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("--add-opens") || option.startsWith("-Djdk.reflect") || option.startsWith("-Dio.netty")) {
        cmd.add(option);
      }
    }
    cmd.add("-Dtto.conf.dir=" + root.resolve("conf"));
    cmd.add("-Dlog4j2.configurationFile=file:" + root.resolve("conf/log4j2.properties"));
    cmd.add("-Dspark.master=local[2]");
    cmd.add("-Dspark.driver.host=127.0.0.1");
    cmd.add("-Dspark.driver.bindAddress=127.0.0.1");
    cmd.add("-Dspark.ui.enabled=false");
    // As the in-process test session: compiling whole-stage code costs more than it saves on a few hundred rows.
    cmd.add("-Dspark.sql.codegen.wholeStage=false");
    cmd.add("-Dspark.databricks.delta.snapshotPartitions=1");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add("uk.nhs.tto.jobs.Main");
    cmd.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("TTO_"));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("TTO_SPARK_SPARK_SQL_SHUFFLE_PARTITIONS", "1");
    pb.environment().putAll(env);
    pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    try {
      return new Started(pb.start(), System.nanoTime());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the JVM and waits for it to end. */
  public Result run() {
    return start().await();
  }

  /** A running job. */
  public final class Started {

    private final Process process;
    private final long startedNanos;

    private Started(Process process, long startedNanos) {
      this.process = process;
      this.startedNanos = startedNanos;
    }

    public Process process() {
      return process;
    }

    /** Seconds since the JVM was started. */
    public double elapsed() {
      return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** {@code kill -9}: the JVM gets no chance to clean up (no shutdown hooks, no finally blocks). */
    public void kill() {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Waits for the job to end by itself (killing it after {@link #TIMEOUT}). */
    public Result await() {
      try {
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          kill();
          throw new IllegalStateException("tto " + argv + " did not finish in " + TIMEOUT + "; stderr: " + tail());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return new Result(process.exitValue(), read(stdout), read(stderr), elapsed());
    }

    private String tail() {
      String err = read(stderr);
      return err.substring(Math.max(0, err.length() - 2000));
    }
  }

  /** How a job ended: exit code, what it printed, seconds it took. */
  public record Result(int exitCode, String stdout, String stderr, double seconds) {

    /** The exit code with the end of stderr, for assertion messages. */
    public String describe() {
      return "exit " + exitCode + " after " + Math.round(seconds) + " s; stderr ends: "
          + stderr.substring(Math.max(0, stderr.length() - 3000));
    }
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test classpath (surefire puts it in a property; its own java.class.path is a launcher jar). */
  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return cp;
  }
}
