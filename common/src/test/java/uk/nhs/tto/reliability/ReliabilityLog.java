package uk.nhs.tto.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where reliability tests record what they tried and how it came out: one tab-separated line per fault appended
 * to {@code target/reliability/results.tsv} (suite, fault, trials, trials passed, expected outcome, observed
 * outcome, when). {@link ReliabilityReport} turns the file into {@code docs/RELIABILITY.md}, so the document says
 * exactly what the last run of each test saw.
 */
public final class ReliabilityLog {

  /** The results file the tests append to and the report reads. */
  public static Path file() {
    return ProjectTree.results().resolve("results.tsv");
  }

  private ReliabilityLog() {}

  /**
   * Records one fault: {@code trials} attempts of which {@code passed} ended as expected. Call it before
   * asserting, so a failing trial is in the report too.
   */
  public static synchronized void record(
      String suite, String fault, int trials, int passed, String expected, String observed) {
    String line =
        String.join(
                "\t",
                clean(suite),
                clean(fault),
                Integer.toString(trials),
                Integer.toString(passed),
                clean(expected),
                clean(observed),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
            + "\n";
    Path file = file();
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records a single trial. */
  public static void record(String suite, String fault, boolean passed, String expected, String observed) {
    record(suite, fault, 1, passed ? 1 : 0, expected, observed);
  }

  /** Tabs and line breaks would break the file's rows; pipes would break the markdown table. */
  private static String clean(String text) {
    return text == null ? "" : text.replaceAll("[\\t\\r\\n]+", " ").replace("|", "/").trim();
  }
}
