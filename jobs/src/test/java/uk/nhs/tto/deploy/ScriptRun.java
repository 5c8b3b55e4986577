package uk.nhs.tto.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One run of a repository script (scripts/NAME) against the jars this build packaged, with its output kept. */
final class ScriptRun {

  private final int exitCode;
  private final String output;
  private final Duration wallTime;

  private ScriptRun(int exitCode, String output, Duration wallTime) {
    this.exitCode = exitCode;
    this.output = output;
    this.wallTime = wallTime;
  }

  /**
   * Runs {@code scripts/<name>} from the repository root with {@code TTO_SKIP_BUILD=1} (the package phase has just
   * built what it runs; a nested build would rewrite jars this JVM reads), output to {@code target/<name>.log}.
   */
  static ScriptRun of(String name, Duration timeout) throws IOException, InterruptedException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path log = Path.of("target", name + ".log").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder("bash", root.resolve("scripts").resolve(name).toString())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("TTO_SKIP_BUILD", "1");
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      // The script's EXIT trap stops what it started when it is terminated (SIGTERM), not killed.
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
      return new ScriptRun(-1, "timed out after " + timeout + "\n" + Files.readString(log), timeout);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new ScriptRun(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), took);
  }

  int exitCode() {
    return exitCode;
  }

  String output() {
    return output;
  }

  Duration wallTime() {
    return wallTime;
  }
}
