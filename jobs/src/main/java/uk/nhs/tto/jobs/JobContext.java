package uk.nhs.tto.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Catalogue;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.Metastore;
import uk.nhs.tto.lake.Retention;
import uk.nhs.tto.lake.Sessions;
import uk.nhs.tto.progress.Progress;

/**
 * What a job gets: its parsed options, the resolved {@link Settings}, and (created on first use) the
 * SparkSession and {@link Lake}. Output goes to {@link #out()} (tables, summaries) and {@link #err()}
 * (progress). Every job gets {@link #progress()} on stderr from its start; {@link Main} registers the tables of a
 * successful job in the metastore ({@link #registerTables()}) and prints the summary line ({@link #finish(int)}).
 */
public final class JobContext {

  /** Options every command accepts that set a settings key, mapped to it. */
  static final Map<String, String> SETTINGS_OPTIONS =
      Map.of("lake", Keys.LAKE, "extracts", Keys.EXTRACTS, "cohorts", Keys.COHORTS, "master", Keys.MASTER);

  /** Every option every command accepts: those above, the configuration's, {@code --json} and {@code --help}. */
  static final Set<String> COMMON_OPTIONS =
      Set.of("lake", "extracts", "cohorts", "master", "conf", "profile", "json", "help");

  private final Args args;
  private final Settings settings;
  private final PrintStream out;
  private final PrintStream err;
  private final Progress progress;
  private SparkSession spark;
  private Lake lake;

  public JobContext(Args args, Settings settings, PrintStream out, PrintStream err) {
    this.args = args;
    this.settings = settings;
    this.out = out;
    this.err = err;
    this.progress =
        Progress.start(
            args.command(),
            err,
            Progress.mode(settings.stringOr(Keys.PROGRESS, "auto")),
            Duration.ofSeconds(Math.max(1, settings.integer(Keys.PROGRESS_INTERVAL_SECONDS))));
  }

  /** Resolves settings from the options by the precedence documented in {@link Settings}. */
  public static JobContext fromArgs(Args args, PrintStream out, PrintStream err) {
    return fromArgs(args, out, err, Job.LakeUse.CREATES);
  }

  /**
   * Resolves settings as above for a job that uses the lakehouse as {@code use} says: a job that uses none gets no
   * table catalogue, and one that needs an existing lakehouse is refused here, before Spark starts, when its lake
   * does not exist.
   */
  static JobContext fromArgs(Args args, PrintStream out, PrintStream err, Job.LakeUse use) {
    Settings s = resolve(args);
    if (use == Job.LakeUse.NONE) {
      s = s.with(Keys.METASTORE, "none");
    } else if (use == Job.LakeUse.EXISTING) {
      requireLakehouse(args.command(), s);
    }
    return new JobContext(args, s, out, err);
  }

  /**
   * A job that needs a lakehouse refuses a lake that does not exist, creating nothing: neither the lake nor, for a
   * lake on another file system (s3a://), its embedded metastore's folder under {@code ~/.tto/metastore}.
   */
  static void requireLakehouse(String command, Settings settings) {
    String lakeRoot = settings.string(Keys.LAKE);
    Path local = Metastore.localPath(lakeRoot);
    if (!Sessions.lakeExists(settings)) {
      throw TtoException.of(
          "No lakehouse at " + (local != null ? local.toAbsolutePath().normalize() : lakeRoot),
          "the folder does not exist, and " + command + " works on a lakehouse that ingest has started",
          "check --lake (or tto.lake in the --conf file or profile, or TTO_LAKE), or start a lakehouse there with"
              + " scripts/tto ingest --extracts DIR --lake " + lakeRoot);
    }
  }

  private static Settings resolve(Args args) {
    Map<String, String> cli = new LinkedHashMap<>();
    SETTINGS_OPTIONS.forEach(
        (opt, key) -> {
          if (args.has(opt)) {
            cli.put(key, args.get(opt));
          }
        });
    String named = args.has("profile") ? args.get("profile") : System.getenv("TTO_PROFILE");
    String profile = named == null || named.isBlank() ? "local" : named.trim();
    Path confDir = Path.of(System.getProperty("tto.conf.dir", "conf"));
    Path confFile = args.has("conf") ? Path.of(args.get("conf")) : null;
    Path profileFile = Settings.profileFile(confDir, profile, named != null);
    Settings s = Settings.resolve(profileFile, confFile, System.getenv(), cli);
    return s.with(Keys.PROFILE, profile);
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
      spark = Sessions.forJob("tt-outcomes " + args.command(), settings);
      progress.attach(spark);
    }
    return spark;
  }

  /** The job's progress on stderr; {@code progress().step("silver.referrals")} names what it is doing now. */
  public Progress progress() {
    return progress;
  }

  /**
   * Registers the lake's tables in the persistent metastore (databases {@code tt_bronze}, {@code tt_gold}, …) when the
   * job opened the lake and the session's catalogue persists; returns the names registered. Tables stay readable by
   * path if this fails, so a failure is reported as a warning, not as a failed job.
   */
  public synchronized List<String> registerTables() {
    if (lake == null || !Catalogue.persists(spark)) {
      return List.of();
    }
    progress.step("registering tables");
    try {
      List<String> names = Catalogue.registerAll(lake);
      if (!names.isEmpty()) {
        err.println("tto " + args.command() + ": " + names.size() + " tables registered in the "
            + Metastore.of(settings).describe());
      }
      return names;
    } catch (RuntimeException e) {
      err.println("tto " + args.command() + ": warning: the tables were written but not registered in the "
          + Metastore.of(settings).describe() + ": " + e.getMessage() + "; they stay readable by path, and"
          + " 'scripts/tto sql --lake " + lake.root() + "' registers them again (an embedded metastore admits one"
          + " process at a time)");
      return List.of();
    }
  }

  /** Ends the job's progress: stops printing and prints the one-line summary for {@code exitCode}. */
  public void finish(int exitCode) {
    progress.finish(exitCode);
  }

  public synchronized Lake lake() {
    if (lake == null) {
      lake = new Lake(spark(), settings.string(Keys.LAKE), Retention.fromSettings(settings));
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
