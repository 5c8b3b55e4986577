package uk.nhs.tto.jobs;

import uk.nhs.tto.config.Keys;
import uk.nhs.tto.ingest.Ingest;
import uk.nhs.tto.ingest.IngestResult;

/** {@code scripts/tto ingest}: ingests extract folders into bronze, quarantine and meta.ingested_files. */
public final class IngestJob implements Job {

  @Override
  public int run(JobContext ctx) throws Exception {
    String extracts =
        ctx.settings().has(Keys.EXTRACTS)
            ? ctx.settings().string(Keys.EXTRACTS)
            : ctx.args().require("extracts", "the folder (or s3a:// URI) holding <OrgID_Provider>/<Unique_MonthID>/");
    IngestResult result = Ingest.into(ctx.lake(), ctx.settings()).reportingTo(ctx.err()::println).run(extracts);
    result.summaryLines().forEach(ctx.out()::println);
    ctx.writeJsonIfAsked(result.toJson());
    return 0;
  }

  @Override
  public LakeUse lakeUse() {
    return LakeUse.CREATES;
  }

  @Override
  public String summary() {
    return "ingest extract folders into bronze/quarantine tables (files already ingested are skipped)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "  --extracts DIR|s3a://…  folders <OrgID_Provider>/<Unique_MonthID>/<Table>.csv|.parquet (or tto.extracts)",
        "  --lake DIR|s3a://…      the lakehouse (tto.lake)",
        "  --json FILE             write the SPEC §7 ingest summary",
        "Refused files are listed with their reasons and do not fail the run; the pseudonymisation key comes from",
        "TTO_PSEUDONYMISATION_KEY, tto.pseudonymisation.key.file or (local profile) <lake>/_secrets.");
  }
}
