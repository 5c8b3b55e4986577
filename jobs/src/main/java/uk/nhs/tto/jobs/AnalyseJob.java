package uk.nhs.tto.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import uk.nhs.tto.analysis.AnalysisResult;
import uk.nhs.tto.analysis.AsOf;
import uk.nhs.tto.analysis.CohortAnalysis;
import uk.nhs.tto.analysis.PinnedInputs;
import uk.nhs.tto.analysis.ScanBaseline;
import uk.nhs.tto.analysis.UnrecordedRuns;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.disclosure.Disclosure;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.report.Publication;
import uk.nhs.tto.report.subgroups.SubgroupPages;
import uk.nhs.tto.subgroups.SubgroupAnalysis;
import uk.nhs.tto.subgroups.SubgroupResult;

/**
 * {@code scripts/tto analyse}: the cohort evaluation of SPEC §5 on the gold tables (optionally as of an earlier
 * version), written to {@code results.did} and {@code results.runs}; prints the disclosure-controlled headline.
 * With {@code tto.subgroups.enabled} (or {@code --subgroups}) the same run also holds the subgroup analyses and
 * service variation.
 */
public final class AnalyseJob implements Job {

  /** Options that override {@code tto.analysis.*} settings for one run. */
  private static final Map<String, String> MODEL_OPTIONS =
      Map.of("intensity", Keys.ANALYSIS_INTENSITY, "covariates", Keys.ANALYSIS_COVARIATES, "random",
          Keys.ANALYSIS_RANDOM, "method", Keys.ANALYSIS_METHOD);

  @Override
  public String summary() {
    return "difference-in-differences per domain (SPEC §5) into results.did and results.runs";
  }

  @Override
  public Set<String> options() {
    return Set.of("as-of-version", "as-of-timestamp", "as-of-run", "intensity", "covariates", "random", "method", "ml",
        "subgroups", "no-subgroups", "time-scan", "repeat");
  }

  @Override
  public String usage() {
    return "  --as-of-version N      read version N of gold.courses and gold.score_pairs (one derive run)\n"
        + "  --as-of-timestamp T    read the gold tables as they were at T (UTC, e.g. \"2024-05-01 12:00:00\")\n"
        + "  --as-of-run RUN_ID     read exactly the input versions an earlier run recorded in results.runs\n"
        + "  --intensity HIGH|LOW|ANY  --covariates age_band,gender,ethnic_group,imd_quintile\n"
        + "  --random service/therapist/client  --method REML|ML (or --ml)   override tto.analysis.* settings\n"
        + "  --subgroups / --no-subgroups   run (or skip) the subgroup analyses and service variation\n"
        + "                         (default: tto.subgroups.enabled) into results.subgroups, results.service_variation\n"
        + "  --json FILE            write the SPEC §7 summary (disclosure-controlled)\n"
        + "  --time-scan            first time one plain scan of gold.score_pairs, to compare the analysis with\n"
        + "  --repeat N             (benchmarking) run the analysis N times in this session, each a run of its own in\n"
        + "                         results; with --time-scan a timed scan precedes each\n"
        + "  --lake DIR|s3a://…     the lakehouse (default ./lakehouse)   --conf FILE   --profile NAME";
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    Args args = ctx.args();
    Settings settings = ctx.settings().with(modelOverrides(args));
    AsOf asOf = asOf(args);
    int repeat = args.intOr("repeat", 1);
    if (repeat < 1) {
      throw TtoException.of("--repeat " + repeat + " is not a number of runs", "the analysis runs at least once",
          "give --repeat 1 or more, or leave it out");
    }
    AnalysisResult result = null;
    List<SubgroupResult> subgroups = new ArrayList<>();
    for (int i = 1; i <= repeat; i++) {
      Double scan = null;
      if (args.has("time-scan")) {
        // A warm-up scan first, so neither figure pays for JIT compilation and the file cache alone.
        PinnedInputs inputs = PinnedInputs.resolve(ctx.lake(), AsOf.latest());
        if (i == 1) {
          ctx.out().printf(Locale.ROOT, "timing: warm-up scan of gold.score_pairs %.3f s%n",
              ScanBaseline.seconds(inputs.read(PinnedInputs.SCORE_PAIRS)));
        }
        scan = ScanBaseline.seconds(inputs.read(PinnedInputs.SCORE_PAIRS));
      }
      subgroups.clear();
      result = CohortAnalysis.run(ctx.lake(), settings, asOf, commandLine(args),
          SubgroupAnalysis.extension(ctx.lake(), settings, subgroups::add),
          line -> ctx.err().println("tto analyse: " + line));
      for (UnrecordedRuns.Removed r : result.cleared()) {
        ctx.err().println("tto analyse: removed " + r + ", left by a run killed before it was recorded");
      }
      AnalysisResult.Timings t = result.timings();
      ctx.err().printf(Locale.ROOT,
          "tto analyse: %.2f s (prepare+describe %.2f, fit %.2f, quality %.2f, write %.2f)%n",
          t.total(), t.prepareAndDescribe(), t.fit(), t.quality(), t.write());
      if (!subgroups.isEmpty() && subgroups.get(0) != null) {
        SubgroupResult.Timings st = subgroups.get(0).timings();
        ctx.err().printf(Locale.ROOT, "tto analyse: subgroups %.2f s (describe %.2f, aggregate %.2f, fit %.2f,"
            + " variation %.2f, funnels %.2f)%n", st.total(), st.describe(), st.aggregate(), st.fit(), st.variation(),
            st.funnels());
      }
      if (scan != null) {
        // Run 1 is the session's first analysis (the analyst's case); later runs find its code compiled, as the
        // scan it is compared with did.
        ctx.out().printf(Locale.ROOT, "timing: run %d of %d: scan of gold.score_pairs %.3f s, analyse %.3f s,"
            + " ratio %.2f%n", i, repeat, scan, t.total(), t.total() / scan);
      }
    }
    Publication pub = Publication.of(result.run(), result.domains(), Disclosure.from(settings));
    ctx.out().println("run " + result.runId() + " (" + asOf.describe() + ")");
    ctx.out().print(pub.headlineTable());
    if (!subgroups.isEmpty() && subgroups.get(0) != null) {
      SubgroupResult s = subgroups.get(0);
      ctx.out().println("subgroup interaction and service-variation tests (results.subgroups):");
      ctx.out().print(SubgroupPages.testsText(s.tests()));
    }
    ctx.writeJsonIfAsked(pub.json());
    return 0;
  }

  static AsOf asOf(Args args) {
    int given = (args.has("as-of-version") ? 1 : 0) + (args.has("as-of-timestamp") ? 1 : 0)
        + (args.has("as-of-run") ? 1 : 0);
    if (given > 1) {
      throw TtoException.of(
          "More than one of --as-of-version, --as-of-timestamp and --as-of-run was given",
          "each names the input versions on its own", "keep one of them");
    }
    if (args.has("as-of-version")) {
      return AsOf.version(args.longOr("as-of-version", -1));
    }
    if (args.has("as-of-timestamp")) {
      return AsOf.timestamp(args.get("as-of-timestamp"));
    }
    if (args.has("as-of-run")) {
      return AsOf.run(args.get("as-of-run"));
    }
    return AsOf.latest();
  }

  private static Map<String, String> modelOverrides(Args args) {
    Map<String, String> out = new LinkedHashMap<>();
    MODEL_OPTIONS.forEach((opt, key) -> {
      if (args.has(opt)) {
        out.put(key, args.get(opt));
      }
    });
    if (args.has("ml")) {
      out.put(Keys.ANALYSIS_METHOD, "ML");
    }
    if (args.has("subgroups") || args.has("no-subgroups")) {
      out.put(Keys.SUBGROUPS_ENABLED, String.valueOf(!args.has("no-subgroups")));
    }
    return out;
  }

  /** The command as typed (options in the order given), for results.runs. */
  static String commandLine(Args args) {
    StringBuilder sb = new StringBuilder("scripts/tto ").append(args.command());
    args.options().forEach((k, v) -> sb.append(" --").append(k).append("true".equals(v) ? "" : " " + v));
    args.positional().forEach(p -> sb.append(' ').append(p));
    return sb.toString();
  }
}
