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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/lib/cds.sh, the driver's class-data archive: the first run writes one under a temporary name, a later
 * run maps it only after checking it, and an archive that is cut short or older than the application jar is never
 * mapped. Each case launches a one-class program the way scripts/tto launches the driver (set up, then exec java).
 */
class ClassDataSharingTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String PROBE = Probe.class.getName();

  @TempDir Path dir;
  private Path cds;
  private Path jar;

  /** The program whose classes are archived. */
  public static final class Probe {
    public static void main(String[] args) {
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
  void theFirstRunWritesAnArchiveThatTheNextRunChecksAndMaps() throws Exception {
    Launch first = launch("on");
    assertThat(first.output).contains("probe ran");
    assertThat(first.flags).contains("-XX:ArchiveClassesAtExit=");
    assertThat(names()).singleElement().asString().matches("tto-[0-9a-f]{16}\\.jsa\\." + first.pid + "\\.tmp");

    Launch second = launch("on");
    assertThat(second.flags).contains("-XX:SharedArchiveFile=");
    assertThat(names()).singleElement().asString().matches("tto-[0-9a-f]{16}\\.jsa");
    assertThat(second.output).contains("probe ran").contains(PROBE + " source: shared objects file (top)");
  }

  @Test
  void anArchiveCutShortByAKilledRunIsDroppedAndNeverMapped() throws Exception {
    launch("on");
    Path whole = onlyFile();
    Process gone = new ProcessBuilder("true").start(); // the killed writer: a pid no longer running
    gone.waitFor();
    Path cut = whole.resolveSibling(
        whole.getFileName().toString().replaceFirst("\\.\\d+\\.tmp$", "." + gone.pid() + ".tmp"));
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Files.delete(whole);

    Launch next = launch("on");
    assertThat(next.exitCode).isZero();
    assertThat(next.output).contains("probe ran").doesNotContain("shared objects file (top)");
    assertThat(next.flags).contains("-XX:ArchiveClassesAtExit=").doesNotContain("SharedArchiveFile");
    assertThat(names()).singleElement().asString().endsWith("." + next.pid + ".tmp");
  }

  @Test
  void anArchiveOlderThanTheApplicationJarIsDropped() throws Exception {
    launch("on");
    launch("on");
    assertThat(names()).singleElement().asString().endsWith(".jsa");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60))); // the jar is rebuilt

    Launch next = launch("on");
    assertThat(next.flags).contains("-XX:ArchiveClassesAtExit=");
    assertThat(next.output).doesNotContain("shared objects file (top)");
    assertThat(names()).singleElement().asString().endsWith("." + next.pid + ".tmp");
  }

  @Test
  void offMeansNoArchiveIsWrittenOrRead() throws Exception {
    Launch off = launch("off");
    assertThat(off.output).contains("probe ran");
    assertThat(off.flags).isEmpty();
    assertThat(Files.exists(cds) ? names() : List.of()).isEmpty();
  }

  private record Launch(int exitCode, long pid, String flags, String output) {}

  /** Sets up as scripts/tto does, then execs java on the probe (class loading logged, to see where classes come from). */
  private Launch launch(String mode) throws IOException, InterruptedException {
    String script = "source \"$1\"; tto_cds_setup \"$2\" \"$3\" \"$3\"; echo \"flags=$TTO_CDS_FLAGS\" >&2; "
        + "exec java $TTO_CDS_FLAGS -Xlog:class+load=info -cp \"$3\" \"$4\"";
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, "launch",
        ROOT.resolve("scripts/lib/cds.sh").toString(), cds.toString(), jar.toString(), PROBE);
    pb.environment().put("TTO_CDS", mode);
    pb.environment().put("TTO_CDS_MIN_BYTES", "1"); // a one-class program's archive is small
    Path err = dir.resolve("stderr.txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String flags = Files.readString(err).lines().filter(l -> l.startsWith("flags="))
        .map(l -> l.substring("flags=".length())).findFirst().orElseThrow();
    return new Launch(p.exitValue(), p.pid(), flags, out);
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
