package uk.nhs.tto.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.generate.Codebook;
import uk.nhs.tto.generate.DefectKind;
import uk.nhs.tto.generate.GenerationSummary;
import uk.nhs.tto.generate.Generator;
import uk.nhs.tto.generate.GeneratorOptions;
import uk.nhs.tto.generate.Scale;
import uk.nhs.tto.ingest.IdsTable;

/** {@code scripts/tto generate}: writes a synthetic IDS extract with planted effects (plain Java, no Spark). */
public final class GenerateJob implements Job {

  /** Fraction used by a bare {@code --defects}. */
  static final double DEFAULT_DEFECT_FRACTION = 0.01;

  @Override
  public LakeUse lakeUse() {
    return LakeUse.NONE;
  }

  @Override
  public String summary() {
    return "write a synthetic IDS extract (services x months) with planted effects, cohorts.csv and generator.json";
  }

  @Override
  public Set<String> options() {
    return Set.of("out", "scale", "services", "months", "seed", "start", "effects", "subgroup-effect",
        "effect-intensity", "format", "courses-per-service-year", "monthly-growth", "threads", "defects", "quiet");
  }

  /** {@code --defects 0.05}: the fraction arrives as a word ({@link #defectFraction} checks the words). */
  @Override
  public boolean takesWords() {
    return true;
  }

  @Override
  public String usage() {
    return String.join("\n",
        "  --out DIR                      folder to write (created; an earlier generator output there is replaced)",
        "  --scale run-local|seed-study|national   preset sizes (default run-local: 20 services, 24 months)",
        "  --services N  --months M  --seed S  --start yyyy-MM (default 2023-04)",
        "  --courses-per-service-year K   finished courses per service-year before growth",
        "  --monthly-growth G             referral growth per month (0.01 = 1%)",
        "  --effects \"depression=-2.53,anxiety=-2.70,social_functioning=-2.17,phobia=-1.19\"",
        "  --subgroup-effect personality=2.0   effect multiplier for F60/F61 clients",
        "  --effect-intensity HIGH|LOW|ALL     courses that get the planted effect (default HIGH)",
        "  --defects [FRACTION]           add defective rows (default fraction " + DEFAULT_DEFECT_FRACTION + ")",
        "  --format csv|parquet  --threads N  --quiet  --json FILE");
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    Args a = ctx.args();
    Codebook codebook = Codebook.load(
        Path.of(ctx.settings().string(Keys.MEASURES)), Path.of(ctx.settings().string(Keys.THERAPY_CODES)));
    GeneratorOptions.Builder b =
        GeneratorOptions.builder(Path.of(a.require("out", "the folder to write the extract to")), codebook);
    if (a.has("scale")) {
      b.scale(Scale.byLabel(a.get("scale")));
    }
    if (a.has("services")) {
      b.services(a.intOr("services", 0));
    }
    if (a.has("months")) {
      b.months(a.intOr("months", 0));
    }
    b.seed(a.longOr("seed", 1));
    if (a.has("start")) {
      b.start(a.get("start"));
    }
    if (a.has("effects")) {
      b.effects(a.get("effects"));
    }
    if (a.has("subgroup-effect")) {
      b.subgroupEffect(a.get("subgroup-effect"));
    }
    if (a.has("effect-intensity")) {
      b.effectTarget(effectTarget(a.get("effect-intensity")));
    }
    if (a.has("format")) {
      b.format(a.get("format"));
    }
    if (a.has("courses-per-service-year")) {
      b.coursesPerServiceYear(a.doubleOr("courses-per-service-year", 0));
    }
    if (a.has("monthly-growth")) {
      b.monthlyGrowth(a.doubleOr("monthly-growth", 0));
    }
    if (a.has("threads")) {
      b.threads(a.intOr("threads", 1));
    }
    b.defectFraction(defectFraction(a));
    GeneratorOptions options = b.build();

    long started = System.nanoTime();
    boolean quiet = a.has("quiet");
    GenerationSummary s = Generator.generate(options, line -> {
      if (!quiet) {
        ctx.err().println(line);
      }
    });
    double seconds = (System.nanoTime() - started) / 1e9;

    ctx.out().printf(Locale.ROOT, "wrote %s: %d services x %d months (%s .. %s), %d files in %.1f s%n",
        options.out(), options.services(), options.months(), options.start(), options.end(), s.files(), seconds);
    for (IdsTable t : IdsTable.values()) {
      ctx.out().printf(Locale.ROOT, "  %-32s %,12d rows%n", t.fileStem(), s.rows(t));
    }
    ctx.out().printf(Locale.ROOT, "  score rows (IDS606+IDS607)       %,12d%n", s.scoreRows());
    ctx.out().printf(Locale.ROOT, "  referrals %,d; finished courses %,d; high-intensity with a PHQ-9 pair: pre %,d,"
        + " post %,d%n", s.referrals(), s.finishedCourses(), s.highWithPhq9Pair("pre"), s.highWithPhq9Pair("post"));
    if (options.defectFraction() > 0) {
      StringBuilder kinds = new StringBuilder();
      for (DefectKind k : DefectKind.values()) {
        kinds.append(kinds.length() == 0 ? "" : ", ").append(k.label()).append(' ').append(s.defects(k));
      }
      ctx.out().printf(Locale.ROOT, "  defective rows %,d: %s%n", s.defects(), kinds);
    }
    ctx.out().println("  " + options.out().resolve(Generator.COHORTS_FILE) + ", "
        + options.out().resolve(Generator.SUMMARY_FILE));
    ctx.writeJsonIfAsked(s.toJson());
    return 0;
  }

  /**
   * {@code --defects} is a value-less flag in {@link Main#FLAGS}, so {@code --defects 0.05} leaves its fraction as
   * the first positional word; {@code --defects=0.05} works too.
   */
  static double defectFraction(Args a) {
    List<String> extra = a.positional();
    if (!a.has("defects")) {
      if (!extra.isEmpty()) {
        throw unexpected(extra.get(0));
      }
      return 0;
    }
    String v = a.get("defects");
    if (v.equals("true")) {
      if (extra.size() > 1) {
        throw unexpected(extra.get(1));
      }
      v = extra.isEmpty() ? Double.toString(DEFAULT_DEFECT_FRACTION) : extra.get(0);
    } else if (!extra.isEmpty()) {
      throw unexpected(extra.get(0));
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw TtoException.of("--defects is '" + v + "'", "it is the fraction of defective rows to add",
          "write e.g. --defects 0.01");
    }
  }

  private static GeneratorOptions.EffectTarget effectTarget(String v) {
    try {
      return GeneratorOptions.EffectTarget.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw TtoException.of("--effect-intensity is '" + v + "'", "it must be HIGH, LOW or ALL",
          "write e.g. --effect-intensity HIGH");
    }
  }

  private static TtoException unexpected(String word) {
    return TtoException.of("Unexpected word '" + word + "'", "scripts/tto generate takes only --name value options",
        "remove it or put -- before an option name (see scripts/tto generate --help)");
  }
}
