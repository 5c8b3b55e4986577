package uk.nhs.tto.jobs;

import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.pipeline.Nightly;

/**
 * {@code scripts/tto nightly}: the scheduled run. Ingests new extract files, brings derive, analyse and report up
 * to date, prints one summary line and exits 0 (success), 3 (data-quality threshold exceeded: tables were still
 * written), 4 (infrastructure failure) or 5 (another nightly run holds the lock: nothing was done).
 */
public final class NightlyJob implements Job {

  @Override
  public LakeUse lakeUse() {
    return LakeUse.CREATES;
  }

  @Override
  public String summary() {
    return "scheduled run: ingest new extracts, then derive/analyse/report whatever is out of date (locked)";
  }

  @Override
  public String usage() {
    return "  --extracts DIR|s3a://…   extract root (required)\n"
        + "  --lake DIR|s3a://…       lakehouse (default ./lakehouse)   --json FILE   --conf FILE   --profile NAME\n"
        + "exit codes: 0 ok; " + TtoException.DATA_QUALITY + " data-quality threshold exceeded "
        + "(tto.nightly.max.quarantined.fraction, tto.nightly.max.refused.files); " + TtoException.INFRASTRUCTURE
        + " infrastructure failure; " + TtoException.LOCKED + " another nightly run holds the lock";
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    String extracts = ctx.args().require("extracts", "the extract root to pick new files up from");
    Nightly.Outcome outcome =
        Nightly.run(ctx.lake(), ctx.settings(), extracts, AnalyseJob.commandLine(ctx.args()),
            line -> ctx.err().println("tto nightly: " + line));
    ctx.out().println(outcome.summaryLine());
    ctx.writeJsonIfAsked(outcome.toJson());
    return outcome.qualityExceeded() ? TtoException.DATA_QUALITY : 0;
  }
}
