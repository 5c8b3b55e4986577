package uk.nhs.tto.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.Sessions;

/**
 * What a job gets: its parsed options, the resolved {@link Settings}, and (created on first use) the
 * SparkSession and {@link Lake}. Output goes to {@link #out()} (tables, summaries) and {@link #err()}
 * (progress).
 */
public final class JobContext {

  /** Options every command accepts, mapped to their settings key. */
  static final Map<String, String> COMMON_OPTIONS =
      Map.of("lake", Keys.LAKE, "extracts", Keys.EXTRACTS, "cohorts", Keys.COHORTS, "master", Keys.MASTER);

  private final Args args;
  private final Settings settings;
  private final PrintStream out;
  private final PrintStream err;
  private SparkSession spark;
  private Lake lake;

  public JobContext(Args args, Settings settings, PrintStream out, PrintStream err) {
    this.args = args;
    this.settings = settings;
    this.out = out;
    this.err = err;
  }

  /** Resolves settings from the options by the precedence documented in {@link Settings}. */
  public static JobContext fromArgs(Args args, PrintStream out, PrintStream err) {
    Map<String, String> cli = new LinkedHashMap<>();
    COMMON_OPTIONS.forEach(
        (opt, key) -> {
          if (args.has(opt)) {
            cli.put(key, args.get(opt));
          }
        });
    String profile = args.getOr("profile", System.getenv().getOrDefault("TTO_PROFILE", "local"));
    Path confDir = Path.of(System.getProperty("tto.conf.dir", "conf"));
    Path confFile = args.has("conf") ? Path.of(args.get("conf")) : null;
    Settings s = Settings.resolve(confDir.resolve(profile + ".conf"), confFile, System.getenv(), cli);
    return new JobContext(args, s.with(Keys.PROFILE, profile), out, err);
  }

  public Args args() {
    return args;
  }

  public Settings settings() {
    return settings;
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  public synchronized SparkSession spark() {
    if (spark == null) {
      spark = Sessions.forJob("tt-outcomes " + args.command(), settings.withPrefix("tto.spark."));
    }
    return spark;
  }

  public synchronized Lake lake() {
    if (lake == null) {
      lake = new Lake(spark(), settings.string(Keys.LAKE));
    }
    return lake;
  }

  /** Writes {@code summary} as pretty JSON to the file given with {@code --json}, if any. */
  public void writeJsonIfAsked(Object summary) throws IOException {
    if (!args.has("json")) {
      return;
    }
    Path target = Path.of(args.get("json"));
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(target.toFile(), summary);
  }
}
