package uk.nhs.tto.jobs;

import java.nio.file.Path;
import java.util.Set;
import uk.nhs.tto.report.Publication;
import uk.nhs.tto.report.Report;
import uk.nhs.tto.report.subgroups.SubgroupPages;

/**
 * {@code scripts/tto report}: writes {@code reports/<run-id>/index.html} and {@code did.csv} for a run (default:
 * the latest), with the subgroup and service-variation pages when the run has them, disclosure-controlled, and
 * prints the headline.
 */
public final class ReportJob implements Job {

  @Override
  public String summary() {
    return "HTML report and did.csv of an analyse run (disclosure-controlled)";
  }

  @Override
  public Set<String> options() {
    return Set.of("run");
  }

  @Override
  public String usage() {
    return "  --run RUN_ID      the run to report (default: the latest in results.runs)\n"
        + "  --json FILE       also write the SPEC §7 analyse summary of that run\n"
        + "  --lake DIR|s3a://…  the lakehouse (default ./lakehouse); reports go to tto.reports (default ./reports)";
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    Publication pub = Report.publication(ctx.lake(), ctx.settings(), ctx.args().get("run"));
    Path index = SubgroupPages.writeWithReport(ctx.lake(), pub, ctx.settings());
    ctx.out().println("report of run " + pub.run().runId() + ": " + index);
    ctx.out().print(pub.headlineTable());
    ctx.writeJsonIfAsked(pub.json());
    return 0;
  }
}
