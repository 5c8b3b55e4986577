package uk.nhs.tto.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import uk.nhs.tto.analysis.AnalysisResult;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.disclosure.Disclosure;
import uk.nhs.tto.generate.Codebook;
import uk.nhs.tto.generate.GenerationSummary;
import uk.nhs.tto.generate.Generator;
import uk.nhs.tto.generate.GeneratorOptions;
import uk.nhs.tto.pipeline.KeyMetricsHeadline;
import uk.nhs.tto.pipeline.Pipeline;
import uk.nhs.tto.report.Publication;

/**
 * {@code scripts/tto run-local}: the README's first command. Generates a synthetic national dataset (20 services,
 * 24 months) unless {@code --extracts} is given, then ingests, derives, analyses and reports into the lakehouse
 * and prints the headline key metrics per cohort and the difference-in-differences table, disclosure-controlled.
 */
public final class RunLocalJob implements Job {

  /** Where generated extracts go when {@code --extracts} is not given. */
  static final String DEFAULT_EXTRACTS = "extracts";

  @Override
  public LakeUse lakeUse() {
    return LakeUse.CREATES;
  }

  @Override
  public String summary() {
    return "generate synthetic data (unless --extracts), ingest, derive, analyse, report; print the headline tables";
  }

  @Override
  public Set<String> options() {
    return Set.of("seed");
  }

  @Override
  public String usage() {
    return "  --extracts DIR   use these extracts instead of generating (cohorts from --cohorts or conf/)\n"
        + "  --seed S         generator seed (default 1); generated extracts go to ./" + DEFAULT_EXTRACTS
        + " and are reused when their options match\n"
        + "  --lake DIR       lakehouse (default ./lakehouse)   --cohorts FILE   --conf FILE   --json FILE";
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    Settings settings = ctx.settings();
    String extracts;
    Map<String, Object> json = new LinkedHashMap<>();
    if (ctx.args().has("extracts")) {
      extracts = ctx.args().get("extracts");
    } else {
      Path out = Path.of(DEFAULT_EXTRACTS);
      GenerationSummary generated = generateUnlessPresent(ctx, settings, out, ctx.args().longOr("seed", 1));
      extracts = out.toString();
      if (!ctx.args().has("cohorts")) {
        settings = settings.with(Keys.COHORTS, out.resolve(Generator.COHORTS_FILE).toString());
      }
      if (generated != null) {
        json.put("generator", generated.toJson());
      }
    }
    Pipeline.Outcome outcome =
        Pipeline.run(ctx.lake(), settings, extracts, AnalyseJob.commandLine(ctx.args()),
            line -> ctx.err().println("tto run-local: " + line));

    outcome.ingest().summaryLines().forEach(ctx.out()::println);
    ctx.out().print(outcome.derive().describe());
    Disclosure sdc = Disclosure.from(settings);
    ctx.out().println();
    ctx.out().println("Key metrics by cohort (SPEC §4; counts rounded to 5, * = fewer than 5)");
    ctx.out().print(KeyMetricsHeadline.of(ctx.lake().read(Derive.KEY_METRICS), sdc));
    AnalysisResult analysis = outcome.analysis();
    Publication pub = Publication.of(analysis.run(), analysis.domains(), sdc);
    ctx.out().println();
    ctx.out().println("Difference-in-differences, post vs pre cohort (run " + analysis.runId() + ")");
    ctx.out().print(pub.headlineTable());
    ctx.out().println();
    ctx.out().println("report: " + outcome.report());

    json.put("ingest", outcome.ingest().toJson());
    json.putAll(outcome.derive().toMap());
    json.putAll(pub.json());
    ctx.writeJsonIfAsked(json);
    return 0;
  }

  /** Generates run-local's default dataset, or reuses one already generated with the same seed and model. */
  private static GenerationSummary generateUnlessPresent(JobContext ctx, Settings settings, Path out, long seed)
      throws Exception {
    Path marker = out.resolve(Generator.SUMMARY_FILE);
    boolean present = Files.exists(marker);
    if (present && sameDefaultOptions(marker, seed)) {
      ctx.err().println("tto run-local: using the synthetic extracts already in ./" + out
          + " (seed " + seed + "; delete the folder to generate them again)");
      return null;
    }
    Codebook codebook =
        Codebook.load(Path.of(settings.string(Keys.MEASURES)), Path.of(settings.string(Keys.THERAPY_CODES)));
    ctx.err().println("tto run-local: generating a synthetic national dataset in ./" + out + " (seed " + seed + ")"
        + (present ? ", replacing the one there, which another seed, options or score model made" : ""));
    return Generator.generate(
        GeneratorOptions.builder(out, codebook).seed(seed).build(), line -> ctx.err().println("  " + line));
  }

  /**
   * Whether an earlier generator run wrote run-local's default dataset with this seed, no defects and this
   * version of the score model.
   */
  static boolean sameDefaultOptions(Path summary, long seed) throws java.io.IOException {
    JsonNode json = new ObjectMapper().readTree(summary.toFile());
    JsonNode options = json.path("options");
    return options.path("scale").asText().equals("run-local")
        && options.path("seed").asLong(-1) == seed
        && options.path("defect_fraction").asDouble(-1) == 0.0
        && json.path("planted").path("model").path("version").asInt(-1) == Generator.MODEL_VERSION;
  }
}
