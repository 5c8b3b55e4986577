package uk.nhs.tto.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One {@code scripts/tto nightly} run as a process of its own, started the way a scheduler starts it, whose output
 * lines are kept with the time each appeared, so a test can wait for a stage, kill the process there ({@code kill
 * -9}) or wait for it to finish.
 */
final class NightlyProcess {

  /** An output line and when it appeared, counted from the start of the process. */
  record Line(Duration at, String text) {}

  private final Process process;
  private final long started;
  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private NightlyProcess(Process process, long started, Path log) {
    this.process = process;
    this.started = started;
    this.reader = new Thread(() -> copy(log), "nightly-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code scripts/tto nightly} from the repository root on the jars already built ({@code TTO_SKIP_BUILD=1}),
   * with the settings every run of one test shares in {@code env}; output goes to {@code log} too.
   */
  static NightlyProcess start(Path repo, Path extracts, Path lake, Path log, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash", repo.resolve("scripts/tto").toString(), "nightly",
                "--extracts", extracts.toString(), "--lake", lake.toString(),
                "--cohorts", extracts.resolve("cohorts.csv").toString(), "--master", "local[2]")
            .directory(repo.toFile())
            .redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("TTO_SKIP_BUILD", "1");
    long started = System.nanoTime();
    return new NightlyProcess(pb.start(), started, log);
  }

  private void copy(Path log) {
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(new Line(Duration.ofNanos(System.nanoTime() - started), line));
        out.println(line);
      }
    } catch (IOException e) {
      // The process was killed mid-line: what was read is kept.
    }
  }

  /** The first line matching {@code pattern} so far. */
  Optional<Line> first(Pattern pattern) {
    return lines.stream().filter(l -> pattern.matcher(l.text()).find()).findFirst();
  }

  /** Waits until a line matches {@code pattern}; empty if the process ended (or time ran out) first. */
  Optional<Line> awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Line> hit = first(pattern);
      if (hit.isPresent() || (!process.isAlive() && !reader.isAlive())) {
        return first(pattern);
      }
      Thread.sleep(50);
    }
    return Optional.empty();
  }

  /** The latest line that names a stage of the run (ingest, derive, analyse, report, registration). */
  String lastStage() {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String text = lines.get(i).text();
      if (text.startsWith("tto nightly: ") || text.startsWith("ingest: ")) {
        return text;
      }
    }
    return "(no stage yet)";
  }

  /** Sends SIGKILL, as {@code kill -9} does: no shutdown hook, no finally block, no lock released by the JVM. */
  boolean killHard() throws InterruptedException {
    boolean alive = process.isAlive();
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
    reader.join(10_000);
    return alive;
  }

  /** Waits for the run to end and returns its exit code, or fails after {@code timeout}. */
  int await(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("nightly did not finish within " + timeout + "; last: " + lastStage());
    }
    reader.join(10_000);
    return process.exitValue();
  }

  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - started);
  }

  String output() {
    StringBuilder b = new StringBuilder();
    lines.forEach(l -> b.append(l.text()).append('\n'));
    return b.toString();
  }
}
