package uk.nhs.tto.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/lib/cds.sh, the driver's class-data archive: the first run of a build trains one in a JVM of its own and
 * maps it once a separate JVM has checked it; a training that writes nothing is not retried by every run; an
 * archive older than the application jar, or cut short, is never mapped. Each case launches a one-class program
 * the way scripts/tto launches the driver (set up, then exec java), with the same program as the training job.
 */
class ClassDataSharingTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String PROBE = Probe.class.getName();
  private static final String FROM_ARCHIVE = PROBE + " source: shared objects file (top)";
  private static final String TRAINING = "first run of this build: writing a class-data archive";

  @TempDir Path dir;
  private Path cds;
  private Path jar;

  /** The program whose classes are archived; "crash" ends its JVM as a crash would, before any archive is written. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      if (args.length > 0 && args[0].equals("crash")) {
        new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
        Thread.sleep(60_000);
      }
      System.out.println("probe ran");
    }
  }

  @BeforeEach
  void probeJar() throws IOException {
    cds = dir.resolve("cds");
    jar = dir.resolve("probe.jar");
    String entry = PROBE.replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        InputStream in = Probe.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
  }

  @Test
  void theFirstRunTrainsAnArchiveInAJvmOfItsOwnThenMapsIt() throws Exception {
    Launch first = launch("on", "train");
    assertThat(first.stderr).contains(TRAINING);
    assertThat(first.flags).contains("-XX:SharedArchiveFile=");
    assertThat(first.output).contains("probe ran").contains(FROM_ARCHIVE);
    assertThat(names()).singleElement().asString().matches("tto-[0-9a-f]{16}\\.jsa");

    Launch second = launch("on", "train");
    assertThat(second.stderr).doesNotContain(TRAINING);
    assertThat(second.output).contains(FROM_ARCHIVE);
  }

  @Test
  void aTrainingThatWritesNoArchiveIsNotRetriedByEveryRun() throws Exception {
    Launch first = launch("on", "crash");
    assertThat(first.exitCode).isZero();
    assertThat(first.flags).isEmpty();
    assertThat(first.output).contains("probe ran").doesNotContain("shared objects file (top)");
    assertThat(names()).singleElement().asString().endsWith(".failed");

    Launch second = launch("on", "train");
    assertThat(second.stderr).doesNotContain(TRAINING);
    assertThat(second.flags).isEmpty();
  }

  @Test
  void anArchiveOlderThanTheApplicationJarIsDroppedAndTrainedAgain() throws Exception {
    launch("on", "train");
    Path archive = onlyFile();
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60))); // the jar is rebuilt

    Launch next = launch("on", "train");
    assertThat(next.stderr).contains(TRAINING);
    assertThat(next.output).contains(FROM_ARCHIVE);
    assertThat(Files.getLastModifiedTime(onlyFile())).isGreaterThan(FileTime.from(Instant.now().minusSeconds(30)));
    assertThat(onlyFile()).isEqualTo(archive);
  }

  @Test
  void onlyAWholeArchiveCountsAsValid() throws Exception {
    launch("on", "train");
    Path whole = onlyFile();
    Path cut = dir.resolve("cut.jsa");
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));

    assertThat(valid(whole)).isZero();
    assertThat(valid(cut)).as("a JVM given this archive would abort at start").isNotZero();
  }

  @Test
  void offMeansNoArchiveIsWrittenOrRead() throws Exception {
    Launch off = launch("off", "train");
    assertThat(off.output).contains("probe ran");
    assertThat(off.flags).isEmpty();
    assertThat(Files.exists(cds) ? names() : List.of()).isEmpty();
  }

  private record Launch(int exitCode, String flags, String output, String stderr) {}

  /**
   * Sets up as scripts/tto does (training: a function running {@code java <options> -cp probe.jar Probe
   * <training>}), then execs java on the probe with class loading logged, to see where its class comes from.
   */
  private Launch launch(String mode, String training) throws IOException, InterruptedException {
    String script = "source \"$1\"; jar=\"$3\" probe=\"$4\" training=\"$5\";"
        + " train() { java \"$@\" -cp \"$jar\" \"$probe\" \"$training\"; };"
        + " tto_cds_setup \"$2\" \"$jar\" \"$jar\" train;"
        + " echo \"flags=$TTO_CDS_FLAGS\" >&2; exec java $TTO_CDS_FLAGS -Xlog:class+load=info -cp \"$jar\" \"$probe\"";
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, "launch",
        ROOT.resolve("scripts/lib/cds.sh").toString(), cds.toString(), jar.toString(), PROBE, training);
    pb.environment().put("TTO_CDS", mode);
    pb.environment().put("TTO_CDS_MIN_BYTES", "1"); // a one-class program's archive is small
    Path err = dir.resolve("stderr.txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(err);
    String flags = stderr.lines().filter(l -> l.startsWith("flags="))
        .map(l -> l.substring("flags=".length())).findFirst().orElseThrow();
    return new Launch(p.exitValue(), flags, out, stderr);
  }

  private int valid(Path archive) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source \"$1\"; tto_cds_valid \"$2\" \"$3\"", "valid",
        ROOT.resolve("scripts/lib/cds.sh").toString(), archive.toString(), jar.toString())
        .redirectErrorStream(true);
    pb.environment().put("TTO_CDS_MIN_BYTES", "1"); // the JVM's check alone, not the size floor
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(cds)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private Path onlyFile() throws IOException {
    try (Stream<Path> files = Files.list(cds)) {
      return files.findFirst().orElseThrow();
    }
  }
}
