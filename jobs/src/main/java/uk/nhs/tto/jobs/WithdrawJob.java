package uk.nhs.tto.jobs;

import java.util.Set;
import uk.nhs.tto.ingest.Withdrawal;
import uk.nhs.tto.pipeline.Purge;

/**
 * {@code scripts/tto withdraw}: takes delivered files back out of the lakehouse (their rows leave bronze and
 * quarantine; the ledger keeps them as withdrawn, with the reason); {@code --purge} also derives again and removes
 * every earlier version of the row tables at once.
 */
public final class WithdrawJob implements Job {

  @Override
  public String summary() {
    return "take delivered files back out of the lakehouse (--purge: and out of every earlier table version)";
  }

  @Override
  public Set<String> options() {
    return Set.of("file", "submission", "service", "sha256", "reason", "dry-run", "purge");
  }

  @Override
  public String usage() {
    return "  --file PATH[,PATH…]             a file as meta.ingested_files records it,\n"
        + "                                  e.g. T0001/1489/IDS101Referral.csv\n"
        + "  --submission SERVICE/MONTH[,…]  every file of a service's month, e.g. T0001/1489\n"
        + "  --service SERVICE[,…]           every file a provider delivered\n"
        + "  --sha256 HEX[,…]                a file by its checksum\n"
        + "  --reason TEXT                   required: why (kept in meta.ingested_files; name no person)\n"
        + "  --dry-run                       list the files and count the rows that would go; change nothing\n"
        + "  --purge                         then derive again and remove every earlier version of the bronze,\n"
        + "                                  quarantine, silver and gold tables now (analyses before it can no\n"
        + "                                  longer be re-run on their inputs; their results stay)\n"
        + "  --cohorts FILE                  the cohort file --purge's derive uses (as scripts/tto derive)\n"
        + "  --lake DIR|s3a://…  --json FILE  --conf FILE  --profile NAME\n"
        + "Every name given must match a file the lakehouse ingested, or nothing is withdrawn. Withdrawn bytes are\n"
        + "never ingested again; a corrected file (other bytes) is. Without --purge, silver and gold keep rows\n"
        + "derived from the files until the next derive (nightly runs it), and earlier versions keep them for\n"
        + "tto.retention.days.";
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    Args args = ctx.args();
    Withdrawal.Selection selection = Withdrawal.Selection.parse(
        args.get("file"), args.get("submission"), args.get("service"), args.get("sha256"));
    String reason = args.get("reason");
    boolean dryRun = args.has("dry-run");
    if (args.has("purge") && !dryRun) {
      ctx.progress().step("withdrawing, deriving again and removing earlier versions");
      Purge.Outcome outcome =
          Purge.run(ctx.lake(), ctx.settings(), selection, reason, line -> ctx.err().println("tto withdraw: " + line));
      ctx.out().println("tto withdraw: " + outcome.summaryLine());
      ctx.writeJsonIfAsked(outcome.toJson());
      return 0;
    }
    ctx.progress().step(dryRun ? "counting the rows that would be withdrawn" : "withdrawing");
    Withdrawal.Outcome outcome = Withdrawal.from(ctx.lake(), ctx.settings())
        .reportingTo(line -> ctx.err().println("tto withdraw: " + line))
        .run(selection, reason, dryRun);
    ctx.out().println("tto withdraw: " + outcome.summaryLine());
    if (!dryRun && !outcome.files().isEmpty()) {
      ctx.out().println("tto withdraw: silver and gold keep rows derived from these files until scripts/tto derive"
          + " (a nightly run does it); earlier versions keep them for " + ctx.lake().retention().toDays()
          + " days, or remove them now with --purge");
    }
    ctx.writeJsonIfAsked(outcome.toJson());
    return 0;
  }
}
