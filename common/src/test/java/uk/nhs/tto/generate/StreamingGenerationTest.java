package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator streams: a child JVM with a 24 MB heap writes an extract of more than twice that size (rows in
 * memory take more room than as CSV). It holds only each service's open referrals, so the heap it needs does not
 * grow with months or services.
 */
class StreamingGenerationTest {

  @TempDir
  Path tmp;

  /** Entry point of the child JVM: generates into {@code args[0]}. */
  public static void main(String[] args) {
    Path out = Path.of(args[0]);
    Generator.generate(Extracts.small(out).services(2).months(24).coursesPerServiceYear(1500).threads(1).build(),
        line -> { });
  }

  @Test
  void anExtractLargerThanTheHeapIsWrittenWithinIt() throws Exception {
    Path out = tmp.resolve("extract");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx24m", "-cp", System.getProperty("java.class.path"),
        StreamingGenerationTest.class.getName(), out.toString())
        .directory(new File(System.getProperty("user.dir")))
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("child.log").toFile())
        .start();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
    assertThat(child.exitValue()).as(Files.readString(tmp.resolve("child.log"))).isZero();

    long bytes = size(out);
    assertThat(bytes).isGreaterThan(2L * 24 * 1024 * 1024);
    assertThat(Extracts.list(out)).extracting(p -> p.getFileName().toString())
        .containsExactly("T0001", "T0002", "cohorts.csv", "generator.json");
  }

  private static long size(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> files = s.filter(Files::isRegularFile).toList();
      long total = 0;
      for (Path f : files) {
        total += Files.size(f);
      }
      return total;
    }
  }
}
