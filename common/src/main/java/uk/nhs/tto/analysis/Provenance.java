package uk.nhs.tto.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.lake.Lake;

/**
 * Where a run's results come from, apart from the table versions: its id, the configuration as JSON with its
 * SHA-256, the code version, and the synthetic-data generator's seed when the extracts were generated.
 */
public final class Provenance {

  /** What {@link #codeVersion()} gives when no commit can be found. */
  public static final String UNKNOWN = "unknown";

  /** A resource the build may add ({@code git.commit=…}); it wins over asking git at run time. */
  static final String BUILD_RESOURCE = "/tto-build.properties";

  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Provenance() {}

  /**
   * A new run id: the start time (UTC, sortable) and six random hex digits so that two runs started in the same
   * second differ, e.g. {@code 20240501T120000Z-3fa9c1}. It is also the report's folder name.
   */
  public static String newRunId(Instant startedAt) {
    byte[] b = new byte[3];
    RANDOM.nextBytes(b);
    return RUN_TIME.format(startedAt) + "-" + HexFormat.of().formatHex(b);
  }

  /** Every setting as one JSON object with sorted keys (so equal configurations give equal text and hash). */
  public static String configJson(Settings settings) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(settings.asMap()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Settings cannot be written as JSON", e);
    }
  }

  /** Lower-case hex SHA-256 of the text's UTF-8 bytes. */
  public static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The git commit of the running code: from {@value #BUILD_RESOURCE} when the build wrote it, else {@code git
   * rev-parse HEAD} in the working directory (scripts/tto runs from the repository), with {@code -dirty} appended
   * when tracked files differ from it; {@value #UNKNOWN} when neither works (e.g. a deployed jar without .git).
   */
  public static String codeVersion() {
    try (InputStream in = Provenance.class.getResourceAsStream(BUILD_RESOURCE)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String commit = p.getProperty("git.commit", "").trim();
        if (!commit.isEmpty() && !commit.startsWith("${")) {
          return commit;
        }
      }
    } catch (IOException e) {
      // Fall through to asking git.
    }
    String head = git("rev-parse", "HEAD");
    if (head == null || !head.matches("[0-9a-f]{40}")) {
      return UNKNOWN;
    }
    String status = git("status", "--porcelain", "--untracked-files=no");
    return status == null || status.isEmpty() ? head : head + "-dirty";
  }

  /**
   * The seed in {@code generator.json} at the root of the configured extracts ({@code tto.extracts}), which the
   * generator writes beside the data it makes; null when there is no such file (real extracts) or no seed in it.
   */
  public static Long generatorSeed(Lake lake, Settings settings) {
    if (!settings.has(Keys.EXTRACTS)) {
      return null;
    }
    try {
      Path file = new Path(settings.string(Keys.EXTRACTS), "generator.json");
      FileSystem fs = file.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(file)) {
        return null;
      }
      try (InputStream in = fs.open(file)) {
        JsonNode seed = JSON.readTree(in).findValue("seed");
        return seed != null && seed.canConvertToLong() ? seed.asLong() : null;
      }
    } catch (IOException | RuntimeException e) {
      // Provenance is best effort here: an unreadable generator.json must not stop an analysis.
      return null;
    }
  }

  /** Runs git with a short timeout; its trimmed output, or null when git is missing or fails. */
  private static String git(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        return null;
      }
      return new String(out, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Parsed settings JSON (for reports that show the configuration a run used). */
  public static Map<String, String> parseConfig(String json) {
    try {
      return JSON.readValue(json, JSON.getTypeFactory().constructMapType(TreeMap.class, String.class, String.class));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not a configuration JSON object: " + e.getOriginalMessage(), e);
    }
  }
}
