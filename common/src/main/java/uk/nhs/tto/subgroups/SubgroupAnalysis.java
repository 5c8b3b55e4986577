package uk.nhs.tto.subgroups;


import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import uk.nhs.tto.analysis.AnalysisConfig;
import uk.nhs.tto.analysis.AnalysisResult;
import uk.nhs.tto.analysis.AsOf;
import uk.nhs.tto.analysis.CohortAnalysis;
import uk.nhs.tto.analysis.DidData;
import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.analysis.Domains;
import uk.nhs.tto.analysis.PinnedInputs;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.SideBySide;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.LabelOrder;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.Moments;
import uk.nhs.tto.stats.PlannedMoments;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.variation.Funnels;
import uk.nhs.tto.variation.ServiceVariation;
import uk.nhs.tto.variation.ServiceVariationTable;

/**
 * Subgroup analyses and service variation (issue 5): for each measure and each configured dimension, SPEC §5's
 * difference-in-differences within every level and the test that it differs between levels; each service's own
 * and shrunken DiD; funnel plots of service recovery and reliable-improvement rates. p-values of all tests of the
 * run are adjusted together by Holm's and Benjamini–Hochberg's methods ({@link Multiplicity}).
 *
 * <p>Cost: the comparison's courses are prepared once and cached; one aggregation describes every level but the
 * services ({@link SubgroupData#describe}), one builds the moments of every level of every dimension but service
 * together with each measure's national model ({@link SubgroupData#levels}: a course per row and level, reduced
 * where it is, then only per-therapist sums are shuffled), one builds the services' own models with their
 * descriptions, and two small ones (a row per course) the change-score models. The interaction tests need no pass
 * and no fit of their own ({@link SubgroupModels}); all fitting is on the driver from moments, in parallel.
 */
public final class SubgroupAnalysis {

  /** Results in SPEC §2's domain order, then by measure, dimension (as configured) and level. */
  static final Comparator<LevelEstimate> LEVEL_ORDER =
      Comparator.comparingInt((LevelEstimate l) -> domainRank(l.domain()))
          .thenComparing(LevelEstimate::measure)
          .thenComparing(LevelEstimate::dimension)
          .thenComparing(LevelEstimate::level, LabelOrder.COMPARATOR);

  /** Tests in the order of {@link #LEVEL_ORDER}. */
  static final Comparator<InteractionTest> TEST_ORDER =
      Comparator.comparingInt((InteractionTest t) -> domainRank(t.domain()))
          .thenComparing(InteractionTest::measure)
          .thenComparing(InteractionTest::dimension);

  private SubgroupAnalysis() {}

  /**
   * Runs the analyses on gold-shaped tables, without writing anything: for the analyse job, tests and benchmarks.
   *
   * @param courses rows shaped as {@code gold.courses}
   * @param scorePairs rows shaped as {@code gold.score_pairs}
   */
  public static SubgroupResult analyse(
      Dataset<Row> courses, Dataset<Row> scorePairs, AnalysisConfig config, SubgroupConfig sub) {
    long t0 = System.nanoTime();
    FitOptions options = config.method().equals("ML") ? FitOptions.ml() : FitOptions.reml();
    Dataset<Row> prepared = SubgroupData.prepare(courses, scorePairs, config, sub)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // The services' own models, when configured, carry the services' descriptions as parent sums: one
      // aggregation fewer over the courses.
      String serviceFormula = sub.has(Dimension.SERVICE) ? serviceFormula(config) : null;
      PlannedMoments servicePlan = serviceFormula == null ? null
          : MixedModel.planBySplitOfGroups(SubgroupData.services(prepared, config), "client",
              Formula.parse(serviceFormula), SubgroupData.SPLIT, options, SubgroupData.OBSERVATIONS,
              DidData.describeSums());
      SubgroupData.Described description = SubgroupData.describe(prepared, sub.dimensions(), servicePlan == null);
      Map<String, LevelCohorts> described = new TreeMap<>(description.levels());
      Map<String, String> domains = description.domains();
      long t1 = System.nanoTime();
      Moments levelMoments = null;
      Moments serviceMoments = null;
      if (!described.isEmpty()) {
        levelMoments = MixedModel.momentsBySplitOfGroups(SubgroupData.levels(prepared, sub.dimensions(), config),
            "client", Formula.parse(config.formula()), SubgroupData.SPLIT, options, SubgroupData.OBSERVATIONS);
      }
      if (servicePlan != null) {
        List<Row> collected = servicePlan.aggregation().collectAsList();
        described.putAll(SubgroupData.serviceDescriptions(servicePlan.parentSums(collected)));
        serviceMoments = described.isEmpty() ? null : servicePlan.fold(collected);
      }
      long t2 = System.nanoTime();
      Map<String, SubgroupModels.Outcome> fits = new TreeMap<>();
      if (levelMoments != null) {
        fits.putAll(SubgroupModels.fitAll(levelMoments, options));
      }
      if (serviceMoments != null) {
        fits.putAll(SubgroupModels.fitAll(serviceMoments, options));
      }
      List<InteractionTest> tests = interactionTests(described, domains, sub);
      long t3 = System.nanoTime();
      Map<String, LmmFit> national = new LinkedHashMap<>();
      domains.keySet().forEach(m -> {
        SubgroupModels.Outcome o = fits.get(SplitKey.national(m).encode());
        if (o != null && o.fit() != null) {
          national.put(m, o.fit());
        }
      });
      ServiceVariation.Result variation = ServiceVariation.analyse(
          SubgroupData.changes(prepared), described, national, fits, domains);
      long t4 = System.nanoTime();
      var funnels = Funnels.compute(courses);
      long t5 = System.nanoTime();
      List<InteractionTest> all = new ArrayList<>(tests);
      if (sub.has(Dimension.SERVICE)) {
        all.addAll(variation.tests());
      }
      all = adjust(all);
      List<LevelEstimate> levels = levels(described, domains, fits, sub);
      return new SubgroupResult(levels, all, variation.effects(), funnels,
          new SubgroupResult.Timings(sec(t1 - t0), sec(t2 - t1), sec(t3 - t2), sec(t4 - t3), sec(t5 - t4),
              sec(t5 - t0)));
    } finally {
      prepared.unpersist();
    }
  }

  /**
   * Runs the configured subgroup analyses ({@code tto.subgroups.*}) on the pinned gold tables and writes
   * {@code results.subgroups} and {@code results.service_variation} under {@code runId}, one Delta commit each
   * (replacing rows the run already had). Returns null, writing nothing, when {@code tto.subgroups.enabled} is
   * false. The caller writes the run's {@code results.runs} row after this, so a listed run is complete.
   */
  public static SubgroupResult runInto(Lake lake, Settings settings, PinnedInputs inputs, String runId) {
    SubgroupConfig sub = SubgroupConfig.from(settings);
    if (!sub.enabled()) {
      return null;
    }
    SubgroupResult result = analyse(inputs.read(PinnedInputs.COURSES), inputs.read(PinnedInputs.SCORE_PAIRS),
        AnalysisConfig.from(settings), sub);
    write(lake, runId, result);
    return result;
  }

  /**
   * The subgroup analyses as an extension of the cohort analysis' run ({@link CohortAnalysis#run(Lake, Settings,
   * uk.nhs.tto.analysis.AsOf, String, CohortAnalysis.Extension)}): same pinned inputs, same run id, written before
   * the run is recorded. {@code sink} receives the result (null when disabled), e.g. for the job to print.
   */
  public static CohortAnalysis.Extension extension(
      Lake lake, Settings settings, java.util.function.Consumer<SubgroupResult> sink) {
    return (inputs, runId) -> sink.accept(runInto(lake, settings, inputs, runId));
  }

  /**
   * The cohort analysis with the subgroup analyses of the same run when {@code tto.subgroups.enabled}: what
   * {@code analyse}, {@code run-local} and {@code nightly} run.
   */
  public static AnalysisResult runWithCohortAnalysis(Lake lake, Settings settings, AsOf asOf, String commandLine) {
    return CohortAnalysis.run(lake, settings, asOf, commandLine, extension(lake, settings, r -> {}));
  }

  /** Writes a result's two tables under {@code runId}. */
  public static void write(Lake lake, String runId, SubgroupResult result) {
    Map<String, Double> national = new LinkedHashMap<>();
    result.levels().stream()
        .filter(l -> l.dimension() == Dimension.ALL && l.did() != null)
        .forEach(l -> national.put(l.measure(), l.did().estimate()));
    // Two tables, so two independent commits.
    SideBySide.run("subgroups-write", () -> SubgroupTable.write(lake, runId, result),
        () -> ServiceVariationTable.write(lake, runId, result.services(), result.funnels(), national));
  }

  /** SPEC §5's model within one service: the configured nesting without the service level, or null if none is left. */
  static String serviceFormula(AnalysisConfig config) {
    List<String> levels = new ArrayList<>(config.randomLevels());
    levels.remove("service");
    if (levels.isEmpty()) {
      return null;
    }
    AnalysisConfig within = new AnalysisConfig(config.intensity(), config.covariates(), levels, config.method());
    return within.formula();
  }

  /** One closed-form interaction test per measure × configured dimension (service has its own test). */
  private static List<InteractionTest> interactionTests(
      Map<String, LevelCohorts> described, Map<String, String> domains, SubgroupConfig sub) {
    List<InteractionTest> out = new ArrayList<>();
    domains.forEach((measure, domain) -> {
      for (Dimension d : sub.dimensions()) {
        if (d == Dimension.SERVICE) {
          continue;
        }
        Map<String, LevelCohorts> levels = new TreeMap<>();
        described.forEach((split, cohorts) -> {
          SplitKey k = SplitKey.parse(split);
          if (k.measure().equals(measure) && k.dimension() == d) {
            levels.put(k.level(), cohorts);
          }
        });
        out.add(SubgroupModels.interaction(levels, domain, measure, d));
      }
    });
    return out;
  }

  /** Adds Holm and Benjamini–Hochberg p-values over every test made; sorted by domain order then dimension. */
  static List<InteractionTest> adjust(List<InteractionTest> tests) {
    double[] p = tests.stream().mapToDouble(InteractionTest::p).toArray();
    double[] holm = Multiplicity.holm(p);
    double[] bh = Multiplicity.benjaminiHochberg(p);
    List<InteractionTest> out = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      out.add(tests.get(i).adjusted(holm[i], bh[i]));
    }
    out.sort(TEST_ORDER);
    return out;
  }

  private static List<LevelEstimate> levels(
      Map<String, LevelCohorts> described, Map<String, String> domains, Map<String, SubgroupModels.Outcome> fits,
      SubgroupConfig sub) {
    List<LevelEstimate> out = new ArrayList<>();
    described.forEach((split, cohorts) -> {
      SplitKey k = SplitKey.parse(split);
      if (k.dimension() != Dimension.ALL && !sub.has(k.dimension())) {
        return;
      }
      SubgroupModels.Outcome o = fits.get(split);
      List<String> warnings = new ArrayList<>();
      DidEstimate did = null;
      long nObs = 0;
      boolean converged = false;
      boolean boundary = false;
      if (o == null) {
        warnings.add("model not fitted: the level has no complete rows");
      } else if (o.fit() == null) {
        warnings.add("model not fitted: " + o.error());
      } else {
        LmmFit f = o.fit();
        did = SubgroupModels.did(f);
        nObs = f.nObs();
        converged = f.converged();
        boundary = f.boundary();
        warnings.addAll(f.warnings());
        if (did == null) {
          warnings.add(SubgroupModels.DID_TERM + " not estimable: both cohorts are needed");
        }
      }
      out.add(new LevelEstimate(domains.get(k.measure()), k.measure(), k.dimension(), k.level(), cohorts, did, nObs,
          converged, boundary, warnings));
    });
    out.sort(LEVEL_ORDER);
    return out;
  }

  private static int domainRank(String domain) {
    int i = Domains.ORDER.indexOf(domain);
    return i < 0 ? Domains.ORDER.size() : i;
  }

  private static double sec(long nanos) {
    return nanos / 1e9;
  }
}
