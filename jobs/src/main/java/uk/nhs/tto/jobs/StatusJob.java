package uk.nhs.tto.jobs;

import uk.nhs.tto.pipeline.LakeStatus;

/**
 * {@code scripts/tto status}: what the lakehouse holds and what is out of date, changing nothing: months delivered per
 * service (behind, gaps, months without a usual table, files refused or withdrawn), whether gold, the latest results
 * run and its report are up to date (what a nightly run would do next), and which locks are held.
 */
public final class StatusJob implements Job {

  @Override
  public String summary() {
    return "what the lakehouse holds and what is out of date: deliveries per service, stages, locks (changes nothing)";
  }

  @Override
  public String usage() {
    return "  --lake DIR|s3a://…    the lakehouse (default ./lakehouse)   --json FILE (every service)   --conf FILE"
        + "   --profile NAME\n"
        + "Prints the services that need a look (behind the latest month, a gap, a month without one of their usual\n"
        + "tables, a file refused), whether gold holds what bronze holds, whether the latest results run read the\n"
        + "gold tables as they are and has its report, and which of the nightly, ingest, derive and analyse locks\n"
        + "a job holds now. Reads the ingest ledger and the tables' logs only; safe to run while other jobs run.";
  }

  @Override
  public boolean registersTables() {
    return false;
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    ctx.progress().step("reading the ledger and the tables' logs");
    LakeStatus status = LakeStatus.of(ctx.lake(), ctx.settings());
    ctx.out().print(status.describe());
    ctx.writeJsonIfAsked(status.toJson());
    return 0;
  }
}
