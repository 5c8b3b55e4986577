package uk.nhs.tto.jobs;

import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.derive.DeriveResult;
import uk.nhs.tto.errors.TtoException;

/**
 * {@code scripts/tto derive [--lake DIR] [--cohorts FILE] [--json FILE]}: bronze → silver, quarantine and gold
 * (see {@link Derive}); prints what it wrote and how every bronze row was accounted for.
 */
public final class DeriveJob implements Job {

  @Override
  public int run(JobContext ctx) throws Exception {
    ctx.err().println("tto derive: deriving silver and gold in " + ctx.lake().root() + " ...");
    DeriveResult result = Derive.run(ctx.lake(), ctx.settings(), line -> ctx.err().println("tto derive: " + line));
    result.warnings().forEach(w -> ctx.err().println("tto derive: warning: " + w));
    ctx.out().print(result.describe());
    ctx.writeJsonIfAsked(result.toMap());
    if (!result.balanced()) {
      ctx.err().println("tto derive: bronze rows do not reconcile (see above); this is a defect in derive, please"
          + " report it with the table named");
      return TtoException.DATA_QUALITY;
    }
    return 0;
  }

  @Override
  public String summary() {
    return "bronze -> silver, quarantine (derive rules), gold.courses, gold.score_pairs, gold.key_metrics";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "  --lake DIR|s3a://...  lakehouse to read bronze.* from and write silver.*, gold.* to (tto.lake)",
        "  --cohorts FILE        cohort definitions, SPEC §5 (tto.cohorts; missing file: no cohorts, with a warning)",
        "  --json FILE           write the SPEC §7 derive summary as JSON",
        "  --conf FILE           extra configuration (measure catalogue tto.measures, therapy codes tto.therapy.codes)");
  }
}
