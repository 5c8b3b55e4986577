package uk.nhs.tto.jobs;

import java.time.Duration;
import java.util.Set;
import uk.nhs.tto.lake.Retention;

/**
 * {@code scripts/tto vacuum}: applies {@code tto.retention.days} to every table of the lakehouse (its retention
 * properties) and removes the files no version within it needs; {@code --dry-run} reports what would go. Nightly runs
 * do the same at their end ({@code tto.nightly.vacuum}).
 */
public final class VacuumJob implements Job {

  @Override
  public String summary() {
    return "keep earlier table versions for tto.retention.days and remove the files of older ones";
  }

  @Override
  public Set<String> options() {
    return Set.of("dry-run");
  }

  @Override
  public String usage() {
    return "  --dry-run             report what would be removed and which tables' retention would be set;"
        + " change nothing\n"
        + "  --lake DIR|s3a://…    the lakehouse (default ./lakehouse)   --json FILE   --conf FILE   --profile NAME\n"
        + "Versions older than tto.retention.days (default " + Retention.DEFAULT_DAYS + ", at least "
        + Retention.MIN_DAYS + ") can no longer be read afterwards, so an analysis older than that cannot be re-run"
        + " on its own inputs (analyse's as-of options); its numbers stay in results.did.";
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    Duration retention = ctx.lake().retention();
    boolean dryRun = ctx.args().has("dry-run");
    ctx.progress().step((dryRun ? "listing" : "removing") + " files older than " + retention.toDays() + " days");
    Retention.Outcome outcome =
        Retention.apply(ctx.lake(), retention, dryRun, line -> ctx.err().println("tto vacuum: " + line));
    ctx.out().println("tto vacuum: " + outcome.summaryLine());
    ctx.writeJsonIfAsked(outcome.toJson());
    return 0;
  }
}
