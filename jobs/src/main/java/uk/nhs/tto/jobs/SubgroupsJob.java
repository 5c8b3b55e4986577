package uk.nhs.tto.jobs;

import java.util.Locale;
import java.util.Set;
import uk.nhs.tto.analysis.AsOf;
import uk.nhs.tto.analysis.PinnedInputs;
import uk.nhs.tto.analysis.RunsTable;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.report.subgroups.SubgroupPages;
import uk.nhs.tto.subgroups.SubgroupAnalysis;
import uk.nhs.tto.subgroups.SubgroupResult;

/**
 * {@code scripts/tto subgroups}: (re-)runs the subgroup analyses and service variation for an existing analyse run,
 * on exactly the input versions that run recorded, replacing its rows of {@code results.subgroups} and
 * {@code results.service_variation}; e.g. after changing {@code tto.subgroups.*}. {@code analyse} already includes
 * them when {@code tto.subgroups.enabled} is true.
 */
public final class SubgroupsJob implements Job {

  @Override
  public String summary() {
    return "subgroup analyses and service variation for an analyse run (results.subgroups, service_variation)";
  }

  @Override
  public Set<String> options() {
    return Set.of("dimensions", "run");
  }

  @Override
  public String usage() {
    return "  --run RUN_ID          the analyse run to add them to (default: the latest in results.runs); its\n"
        + "                        recorded input versions are read\n"
        + "  --dimensions a,b,…    override tto.subgroups.dimensions for this run\n"
        + "  --lake DIR|s3a://…    the lakehouse (default ./lakehouse)   --conf FILE   --profile NAME\n"
        + "Then scripts/tto report --run RUN_ID writes the report with its subgroup and variation pages.";
  }

  @Override
  public int run(JobContext ctx) {
    var settings = ctx.settings().with(Keys.SUBGROUPS_ENABLED, "true");
    if (ctx.args().has("dimensions")) {
      settings = settings.with(Keys.SUBGROUPS_DIMENSIONS, ctx.args().get("dimensions"));
    }
    String runId = ctx.args().has("run") ? ctx.args().get("run") : RunsTable.latest(ctx.lake()).orElseThrow(() ->
        TtoException.of("No analysis run is recorded in " + RunsTable.NAME,
            "subgroup analyses belong to an analyse run (its inputs and id)", "run scripts/tto analyse first"));
    RunsTable.require(ctx.lake(), runId);
    SubgroupResult result =
        SubgroupAnalysis.runInto(ctx.lake(), settings, PinnedInputs.resolve(ctx.lake(), AsOf.run(runId)), runId);
    ctx.out().println("subgroup analyses of run " + runId + " written to results.subgroups and"
        + " results.service_variation");
    ctx.out().print(SubgroupPages.testsText(result.tests()));
    ctx.err().printf(Locale.ROOT, "tto subgroups: %.2f s (describe %.2f, aggregate %.2f, fit %.2f, variation %.2f,"
        + " funnels %.2f)%n", result.timings().total(), result.timings().describe(), result.timings().aggregate(),
        result.timings().fit(), result.timings().variation(), result.timings().funnels());
    return 0;
  }
}
