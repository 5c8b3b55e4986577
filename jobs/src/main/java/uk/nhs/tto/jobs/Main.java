package uk.nhs.tto.jobs;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import uk.nhs.tto.errors.TtoException;

/**
 * Entry point of {@code scripts/tto}: {@code Main <command> [options]}. Looks the command up, runs it,
 * prints user errors as one clear message (no stack trace) and exits with the job's exit code.
 */
public final class Main {

  /** Command name to job class; classes are loaded on demand so a command only pays for what it uses. */
  static final Map<String, String> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("run-local", "uk.nhs.tto.jobs.RunLocalJob");
    COMMANDS.put("generate", "uk.nhs.tto.jobs.GenerateJob");
    COMMANDS.put("ingest", "uk.nhs.tto.jobs.IngestJob");
    COMMANDS.put("derive", "uk.nhs.tto.jobs.DeriveJob");
    COMMANDS.put("analyse", "uk.nhs.tto.jobs.AnalyseJob");
    COMMANDS.put("report", "uk.nhs.tto.jobs.ReportJob");
    COMMANDS.put("lmm", "uk.nhs.tto.jobs.LmmJob");
    COMMANDS.put("subgroups", "uk.nhs.tto.jobs.SubgroupsJob");
    COMMANDS.put("nightly", "uk.nhs.tto.jobs.NightlyJob");
    COMMANDS.put("sql", "uk.nhs.tto.jobs.SqlJob");
    COMMANDS.put("vacuum", "uk.nhs.tto.jobs.VacuumJob");
    COMMANDS.put("withdraw", "uk.nhs.tto.jobs.WithdrawJob");
    COMMANDS.put("status", "uk.nhs.tto.jobs.StatusJob");
    COMMANDS.put("bare-copy", "uk.nhs.tto.jobs.BareCopyJob");
    COMMANDS.put("digest", "uk.nhs.tto.jobs.DigestJob");
  }

  /** Option names that take no value. */
  static final Set<String> FLAGS = Set.of("help", "ml", "defects", "quiet", "blups", "time-scan", "exact", "subgroups",
      "no-subgroups", "dry-run", "purge");

  private Main() {}

  public static void main(String[] argv) {
    int code = run(argv);
    System.out.flush();
    System.err.flush();
    // Spark's non-daemon threads must not keep a finished job alive.
    System.exit(code);
  }

  /** Runs a command and returns its exit code (tests call this instead of {@link #main}). */
  public static int run(String[] argv) {
    if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
      printHelp();
      return argv.length == 0 ? TtoException.USAGE : 0;
    }
    String command = argv[0];
    String[] rest = new String[argv.length - 1];
    System.arraycopy(argv, 1, rest, 0, rest.length);
    JobContext ctx = null;
    int code;
    try {
      Job job = lookup(command);
      Args args = parse(job, command, rest);
      if (args.has("help")) {
        System.out.println("scripts/tto " + command + ": " + job.summary());
        System.out.println(job.usage());
        return 0;
      }
      ctx = JobContext.fromArgs(args, System.out, System.err, job.lakeUse());
      code = job.run(ctx);
      if (code == 0 && job.registersTables()) {
        ctx.registerTables();
      }
    } catch (TtoException e) {
      System.err.println("tto " + command + ": " + e.getMessage());
      code = e.exitCode();
    } catch (Exception e) {
      System.err.println("tto " + command + ": failed: " + e);
      e.printStackTrace(System.err);
      code = TtoException.INFRASTRUCTURE;
    }
    if (ctx != null) {
      ctx.finish(code);
    }
    return code;
  }

  /** The command's options, refused when one is not the command's own or common to all (see {@link Job#options}). */
  static Args parse(Job job, String command, String[] argv) {
    Set<String> accepted = new HashSet<>(JobContext.COMMON_OPTIONS);
    accepted.addAll(job.options());
    return Args.parse(command, argv, FLAGS).accepting(accepted, job.takesWords());
  }

  static Job lookup(String command) {
    String cls = COMMANDS.get(command);
    if (cls == null) {
      throw TtoException.of(
          "Unknown command '" + command + "'",
          "the commands are " + String.join(", ", COMMANDS.keySet()),
          "run scripts/tto help");
    }
    try {
      return (Job) Class.forName(cls).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw TtoException.of(
          "Command '" + command + "' is not available in this build", e.toString(), "rebuild with mvn -B package");
    }
  }

  private static void printHelp() {
    System.out.println("usage: scripts/tto <command> [options]   (scripts/tto <command> --help for its options)");
    System.out.println();
    for (String name : COMMANDS.keySet()) {
      String summary;
      try {
        summary = lookup(name).summary();
      } catch (TtoException e) {
        summary = "(not in this build)";
      }
      System.out.printf("  %-10s %s%n", name, summary);
    }
    System.out.println();
    System.out.println("common options: --lake DIR|s3a://…  --extracts DIR|s3a://…  --conf FILE  --cohorts FILE"
        + "  --json FILE  --profile local|cluster|s3");
    System.out.println("Spark options:  --master URL (local[*], spark://host:7077, …)  --spark-conf KEY=VALUE (repeatable)");
    System.out.println("environment:    TTO_PROFILE, TTO_MASTER, TTO_SPARK_OPTS (spark-submit words), TTO_DRIVER_MEMORY,"
        + " TTO_PROGRESS (live|on|off), SPARK_HOME (use that installation's spark-submit)");
  }
}
