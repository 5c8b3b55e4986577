package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;
import uk.nhs.tto.lake.SideBySide;
import uk.nhs.tto.stats.JointCollect;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.Moments;
import uk.nhs.tto.stats.PlannedMoments;
import uk.nhs.tto.stats.formula.Formula;

/**
 * The cohort evaluation (SPEC §5): for each domain, the difference-in-differences of pre and post cohorts from the
 * mixed model {@code score ~ time * cohort + covariates + (1 | service/therapist/client)}, with each cohort's
 * description, written to {@code results.did} with the run's provenance in {@code results.runs}.
 *
 * <p>A run is a pure function of the gold tables at pinned Delta versions ({@link PinnedInputs}) and the
 * configuration: re-running on unchanged tables gives the same rows apart from run id and timestamps, and
 * {@link AsOf} re-runs an analysis on older versions.
 *
 * <p>Cost: one Spark job reads each gold table once — the comparison's courses, broadcast to the score pairs
 * (only the columns the model needs are read) — and aggregates the joined rows once into the engine's moments of
 * every measure's model, which carry the sums describing every measure × cohort beside them (under the default
 * nesting; otherwise the description is a second aggregation of the same job). Nothing is cached and no row
 * reaches the driver; every model is then fitted from its moments on the driver, in parallel. Writes are atomic: all
 * of a run's {@code results.did} rows land in one Delta commit, then its {@code results.runs} row in another, so a
 * run listed in {@code results.runs} is complete and a run killed midway leaves at worst result rows that no run
 * names, which the next run removes ({@link UnrecordedRuns}) under the analyse lock before it writes its own.
 */
public final class CohortAnalysis {

  private CohortAnalysis() {}

  /**
   * Runs the analysis on the gold tables chosen by {@code asOf} and writes its results.
   *
   * @param commandLine what the user typed, for provenance (may be null)
   */
  public static AnalysisResult run(Lake lake, Settings settings, AsOf asOf, String commandLine) {
    return run(lake, settings, asOf, commandLine, (inputs, runId) -> {});
  }

  /**
   * More analyses of the same run (e.g. the subgroup analyses): given the run's pinned inputs and id, they write
   * their own results while {@code results.did} is written (on another thread) and before {@code results.runs}
   * records the run, so a run listed there has all of its results.
   */
  @FunctionalInterface
  public interface Extension {
    void run(PinnedInputs inputs, String runId);
  }

  /** As {@link #run(Lake, Settings, AsOf, String)}, with {@code extension} run before the run is recorded. */
  public static AnalysisResult run(
      Lake lake, Settings settings, AsOf asOf, String commandLine, Extension extension) {
    return run(lake, settings, asOf, commandLine, extension, line -> { });
  }

  /**
   * As {@link #run(Lake, Settings, AsOf, String, Extension)}; {@code progress} hears of a wait for another analyse
   * that is writing its results.
   */
  public static AnalysisResult run(Lake lake, Settings settings, AsOf asOf, String commandLine, Extension extension,
      Consumer<String> progress) {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    String runId = Provenance.newRunId(started);
    AnalysisConfig config = AnalysisConfig.from(settings);
    PinnedInputs inputs = PinnedInputs.resolve(lake, asOf);

    Analysed analysed =
        analyse(inputs.read(PinnedInputs.COURSES), inputs.read(PinnedInputs.SCORE_PAIRS), config, runId);
    long t1 = System.nanoTime();
    List<QualityCount> quality = quality(inputs);
    long t2 = System.nanoTime();

    SparkSession spark = lake.spark();
    List<Row> didRows = new ArrayList<>();
    for (DomainResult d : analysed.domains()) {
      didRows.add(DidTable.toRow(d));
    }
    RunRecord run;
    List<UnrecordedRuns.Removed> cleared;
    // One analyse writes at a time: it first clears what runs killed before they were recorded left behind, which
    // must not be the rows of a run still writing.
    try (LakeLock lock = LakeLock.acquire(
        lake.root(), spark.sparkContext().hadoopConfiguration(), LakeLock.ANALYSE, settings, progress)) {
      cleared = UnrecordedRuns.remove(lake);
      UnrecordedRuns.begin(lake, runId);
      // results.did's commit beside the extension's analyses, which read only the pinned inputs and write tables of
      // their own; the run is recorded after both.
      SideBySide.run("analyse-did", () -> lake.append(DidTable.NAME, spark.createDataFrame(didRows, DidTable.SCHEMA)),
          () -> extension.run(inputs, runId));
      String configJson = Provenance.configJson(settings);
      run =
          new RunRecord(
              runId,
              started,
              Instant.now(),
              commandLine,
              asOf.describe(),
              configJson,
              Provenance.sha256(configJson),
              Provenance.codeVersion(),
              inputs.versions(),
              Provenance.generatorSeed(lake, settings),
              quality);
      lake.append(RunsTable.NAME, spark.createDataFrame(List.of(RunsTable.toRow(run)), RunsTable.SCHEMA));
      UnrecordedRuns.end(lake, runId);
    }
    long t3 = System.nanoTime();
    AnalysisResult.Timings timings =
        new AnalysisResult.Timings(
            analysed.describeSeconds(), analysed.fitSeconds(), sec(t2 - t1), sec(t3 - t2), sec(t3 - t0));
    return new AnalysisResult(run, analysed.domains(), timings, cleared);
  }

  /** One result per measure with data, plus SPEC §2's domains without data, and where the time went. */
  public record Analysed(List<DomainResult> domains, double describeSeconds, double fitSeconds) {}

  /**
   * The analysis itself, without reading or writing tables: for tests and simulation studies.
   *
   * @param courses rows shaped as {@code gold.courses}
   * @param scorePairs rows shaped as {@code gold.score_pairs}
   */
  public static Analysed analyse(
      Dataset<Row> courses, Dataset<Row> scorePairs, AnalysisConfig config, String runId) {
    long t0 = System.nanoTime();
    Dataset<Row> paired = DidData.paired(courses, scorePairs, config);
    List<String> levels = config.randomLevels();
    // Under the default nesting the engine's parent groups are (service, therapist), the description's cells, so
    // its one aggregation yields both; otherwise the description has an aggregation of its own in the same job.
    boolean describedByEngine =
        levels.size() > 1 && levels.subList(0, levels.size() - 1).equals(DidData.DESCRIBED_PATH);
    PlannedMoments planned = null;
    String notPlanned = null;
    try {
      // A score pair is one client with two observations: the engine reduces each where it lies (no shuffle of
      // rows, no grouping by client) when the client is the lowest level, and expands the pairs otherwise.
      planned = MixedModel.planBySplitOfGroups(DidData.pairRows(paired), "client", Formula.parse(config.formula()),
          DidData.SPLIT, DomainModels.options(config), DidData.OBSERVATIONS,
          describedByEngine ? DidData.describeSums() : List.of());
    } catch (TtoException e) {
      // Only with categorical covariates (whose levels planning looks up): e.g. one with a single level. The
      // cohorts are still described, and every measure's row says why it has no model.
      notPlanned = e.getMessage();
    }
    Map<String, DidData.Described> described;
    Moments moments = null;
    if (planned != null && describedByEngine) {
      List<Row> collected = planned.aggregation().collectAsList();
      described = DidData.describe(planned.parentSums(collected));
      moments = planned.fold(collected);
    } else {
      List<Dataset<Row>> parts = new ArrayList<>(List.of(DidData.describeCells(paired)));
      if (planned != null) {
        parts.add(planned.aggregation());
      }
      List<List<Row>> collected = JointCollect.collect(parts);
      described = DidData.describe(collected.get(0));
      if (planned != null) {
        moments = planned.fold(collected.get(1));
      }
    }
    long t1 = System.nanoTime();
    Map<String, MixedModel.SplitFit> fits = new LinkedHashMap<>();
    if (moments != null) {
      DomainModels.fit(moments, config).forEach((model, fit) -> fits.put(DidData.measure(model), fit));
    } else {
      for (String measure : described.keySet()) {
        fits.put(measure, new MixedModel.SplitFit(null, notPlanned));
      }
    }
    long t2 = System.nanoTime();
    List<DomainResult> out = new ArrayList<>();
    described.forEach((measure, d) -> out.add(result(runId, config, measure, d, fits.get(measure))));
    Set<String> present = new LinkedHashSet<>();
    out.forEach(r -> present.add(r.domain()));
    for (String domain : Domains.ORDER) {
      if (!present.contains(domain)) {
        out.add(
            new DomainResult(
                runId, domain, Domains.MEASURES.get(domain), config.formula(), config.method(),
                DomainResult.Status.NO_DATA, null, null, CohortDescription.EMPTY, CohortDescription.EMPTY,
                List.of("no " + config.intensity().toLowerCase(Locale.ROOT)
                    + "-intensity finished pre or post course has a "
                    + Domains.measureLabel(Domains.MEASURES.get(domain)) + " pair")));
      }
    }
    out.sort(Domains.BY_DOMAIN);
    return new Analysed(out, sec(t1 - t0), sec(t2 - t1));
  }

  private static DomainResult result(
      String runId, AnalysisConfig config, String measure, DidData.Described d, MixedModel.SplitFit outcome) {
    List<String> warnings = new ArrayList<>();
    DidEstimate did = null;
    ModelFacts facts = null;
    DomainResult.Status status = DomainResult.Status.FAILED;
    if (outcome == null || outcome.fit() == null) {
      warnings.add("model not fitted: " + (outcome == null ? "no rows reached the model" : outcome.error()));
    } else {
      warnings.addAll(outcome.fit().warnings());
      facts = DomainModels.facts(outcome.fit());
      did = DomainModels.did(outcome.fit());
      if (did == null) {
        warnings.add(DomainModels.DID_TERM + " could not be estimated (both cohorts are needed, each with first and"
            + " last scores)");
      } else {
        status = DomainResult.Status.FITTED;
      }
    }
    return new DomainResult(
        runId, d.domain(), measure, config.formula(), config.method(), status, did, facts, d.pre(), d.post(),
        warnings);
  }

  /** Quarantined rows by table, stage and rule at the pinned versions: one aggregation over all quarantine tables. */
  static List<QualityCount> quality(PinnedInputs inputs) {
    Dataset<Row> all = null;
    Map<String, String> display = new LinkedHashMap<>();
    for (String t : inputs.quarantineTables()) {
      String name = t.substring(t.indexOf('.') + 1);
      display.put(name, displayName(name));
      Dataset<Row> d = inputs.read(t).select(lit(name).as("table"), col("stage"), col("rule"));
      all = all == null ? d : all.unionByName(d);
    }
    List<QualityCount> out = new ArrayList<>();
    if (all == null) {
      return out;
    }
    for (Row r : all.groupBy("table", "stage", "rule").agg(count(lit(1))).orderBy("table", "stage", "rule")
        .collectAsList()) {
      out.add(new QualityCount(display.get(r.getString(0)), r.getString(1), r.getString(2), r.getLong(3)));
    }
    return out;
  }

  /** {@code ids201carecontact} → {@code IDS201CareContact}, as the extracts name it. */
  private static String displayName(String tableName) {
    Optional<IdsTable> t =
        java.util.Arrays.stream(IdsTable.values()).filter(x -> x.tableName().equals(tableName)).findFirst();
    return t.map(IdsTable::name).orElse(tableName);
  }

  private static double sec(long nanos) {
    return nanos / 1e9;
  }
}
