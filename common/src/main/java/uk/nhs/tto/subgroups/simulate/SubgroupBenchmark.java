package uk.nhs.tto.subgroups.simulate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import uk.nhs.tto.analysis.AnalysisConfig;
import uk.nhs.tto.analysis.CohortAnalysis;
import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.Sessions;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.Moments;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.subgroups.Dimension;
import uk.nhs.tto.subgroups.InteractionTest;
import uk.nhs.tto.subgroups.LevelEstimate;
import uk.nhs.tto.subgroups.SubgroupAnalysis;
import uk.nhs.tto.subgroups.SubgroupConfig;
import uk.nhs.tto.subgroups.SubgroupData;
import uk.nhs.tto.subgroups.SubgroupModels;
import uk.nhs.tto.subgroups.SubgroupResult;

/**
 * The subgroup analyses' benchmarks (scripts/bench-subgroups), printing {@code key value} lines for the script:
 *
 * <ul>
 *   <li>{@code calibration REPS SEED}: REPS replicate seed-study-sized data sets with no subgroup effect; per
 *       replicate the interaction test of each simulated dimension for PHQ-9. Replicates are simulated at the gold
 *       level and summarised per level and cohort in memory (what the Spark path's one describe aggregation gives),
 *       then tested by the production code ({@link SubgroupModels#interaction}); for personality the two mixed
 *       models are also fitted by the in-memory engine ({@link SubgroupModels#interactionByModels}) and the
 *       largest difference between the two statistics is reported.
 *   <li>{@code national LAKE SERVICES THERAPISTS COURSES MULTIPLIER SEED}: gold tables of that size with the
 *       personality DiD multiplied by MULTIPLIER, simulated into LAKE unless already there; then, in one Spark
 *       session, the plain four-domain analysis ({@link CohortAnalysis#analyse}) and the subgroup analyses
 *       ({@link SubgroupAnalysis#analyse}, all dimensions) each timed after a warm-up, and the planted effect's
 *       detection and per-level estimates.
 * </ul>
 */
public final class SubgroupBenchmark {

  /** Replicates per block in the calibration's block counts. */
  static final int BLOCK = 100;

  private SubgroupBenchmark() {}

  public static void main(String[] args) {
    switch (args[0]) {
      case "calibration" -> calibration(Integer.parseInt(args[1]), Long.parseLong(args[2]));
      case "national" -> national(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]), Double.parseDouble(args[5]), Long.parseLong(args[6]));
      default -> throw new IllegalArgumentException("calibration or national, cannot be: " + args[0]);
    }
  }

  static void calibration(int reps, long seed) {
    List<Dimension> dims = List.of(Dimension.PERSONALITY, Dimension.AGE_BAND, Dimension.GENDER,
        Dimension.ETHNICITY, Dimension.DEPRIVATION);
    AnalysisConfig config = AnalysisConfig.defaults();
    Formula formula = Formula.parse(config.formula());
    Map<Dimension, Integer> rejected = new LinkedHashMap<>();
    Map<Dimension, Integer> tested = new LinkedHashMap<>();
    int modelRejected = 0;
    int modelTested = 0;
    double maxDifference = 0;
    // Personality's rejections per block of 100 consecutive replicates: each block is one "100 replicate seeds"
    // study of the acceptance line, so the blocks show how often such a study lands in its window.
    int[] blocks = new int[reps / BLOCK];
    long started = System.nanoTime();
    for (int r = 0; r < reps; r++) {
      List<GoldSimulation.Course> courses = GoldSimulation.courses(GoldSimulation.Params.seedStudy(seed + r));
      for (Dimension d : dims) {
        InteractionTest t = SubgroupModels.interaction(GoldSimulation.levelCohorts(courses, "PHQ9", d),
            "depression", "PHQ9", d);
        if (t.tested()) {
          tested.merge(d, 1, Integer::sum);
          rejected.merge(d, t.p() < 0.05 ? 1 : 0, Integer::sum);
          if (d == Dimension.PERSONALITY && t.p() < 0.05 && r / BLOCK < blocks.length) {
            blocks[r / BLOCK]++;
          }
        }
        if (d == Dimension.PERSONALITY) {
          // The same test from the two mixed models fitted by the engine: it must agree with the closed form.
          Moments m = MixedModel.momentsBySplit(GoldSimulation.levelRows(courses, "PHQ9", d), formula,
              SubgroupData.SPLIT, FitOptions.reml());
          InteractionTest byModels = SubgroupModels.interactionByModels(m, "depression", "PHQ9", d, config);
          if (byModels.tested()) {
            modelTested++;
            modelRejected += byModels.p() < 0.05 ? 1 : 0;
            maxDifference = Math.max(maxDifference, Math.abs(byModels.statistic() - t.statistic()));
          }
        }
      }
    }
    System.out.println("replicates " + reps);
    dims.forEach(d -> System.out.println("rejected_" + d.id() + " " + rejected.getOrDefault(d, 0) + " "
        + tested.getOrDefault(d, 0)));
    System.out.println("rejected_models " + modelRejected + " " + modelTested);
    if (blocks.length > 1) {
      StringBuilder line = new StringBuilder("blocks_personality");
      for (int b : blocks) {
        line.append(' ').append(b);
      }
      System.out.println(line);
    }
    System.out.printf(Locale.ROOT, "max_statistic_difference %.2e%n", maxDifference);
    System.out.printf(Locale.ROOT, "seconds %.1f%n", (System.nanoTime() - started) / 1e9);
  }

  /** National mode: untimed runs of each analysis, then timed ones (medians reported). */
  static final int WARM_UPS = 2;
  static final int TIMED_RUNS = 5;

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String runs(List<Double> values) {
    StringBuilder sb = new StringBuilder();
    for (double v : values) {
      sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
    }
    return sb.toString();
  }

  static void national(String lakeDir, int services, int therapists, int coursesPerTherapist, double multiplier,
      long seed) {
    // The same Spark settings as scripts/tto (conf/local.conf's tto.spark.*, e.g. shuffle partitions), so both
    // analyses are timed as analyse runs them.
    Settings settings = Settings.resolve(Path.of(System.getProperty("tto.conf.dir", "conf"), "local.conf"), null,
        Map.of(), Map.of());
    SparkSession spark = Sessions.forJob("bench-subgroups", settings.withPrefix(Keys.SPARK_PREFIX));
    Lake lake = new Lake(spark, lakeDir);
    if (!lake.exists("gold.courses")) {
      long t = System.nanoTime();
      // Written in blocks of services so the driver never holds the whole simulated year.
      int block = Math.max(1, 2_000_000 / Math.max(1, therapists * coursesPerTherapist * 3));
      for (int first = 0; first < services; first += block) {
        int n = Math.min(block, services - first);
        GoldSimulation.Params p = new GoldSimulation.Params(n, therapists, coursesPerTherapist, 0.12, multiplier,
            0.3, 0.5, Map.of("WSAS", 0.6, "PHOBIA", 0.3), seed + first)
            .withServiceOffset(first);
        List<GoldSimulation.Course> courses = GoldSimulation.courses(p);
        lake.append("gold.courses", GoldSimulation.coursesTable(spark, courses));
        lake.append("gold.score_pairs", GoldSimulation.scorePairsTable(spark, courses));
      }
      System.out.printf(Locale.ROOT, "simulate_seconds %.1f%n", (System.nanoTime() - t) / 1e9);
    }
    Dataset<Row> courses = lake.read("gold.courses");
    Dataset<Row> pairs = lake.read("gold.score_pairs");
    System.out.println("courses " + courses.count());
    System.out.println("pairs " + pairs.count());
    AnalysisConfig config = AnalysisConfig.defaults();
    SubgroupConfig sub = SubgroupConfig.defaults();
    List<Double> plain = new ArrayList<>();
    List<Double> subgroups = new ArrayList<>();
    List<SubgroupResult.Timings> phases = new ArrayList<>();
    SubgroupResult result = null;
    // Warm-ups of each (class loading, code generation, the JIT), then timed runs alternating the two analyses;
    // medians, so one run slowed by the JIT or the collector neither helps nor hurts either side.
    for (int i = 0; i < WARM_UPS + TIMED_RUNS; i++) {
      long t0 = System.nanoTime();
      CohortAnalysis.analyse(courses, pairs, config, "bench");
      long t1 = System.nanoTime();
      result = SubgroupAnalysis.analyse(courses, pairs, config, sub);
      long t2 = System.nanoTime();
      if (i >= WARM_UPS) {
        plain.add((t1 - t0) / 1e9);
        subgroups.add((t2 - t1) / 1e9);
        phases.add(result.timings());
      }
      System.out.printf(Locale.ROOT, "run %d plain %.2f subgroups %.2f %s%n", i, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
          result.timings());
    }
    System.out.printf(Locale.ROOT, "plain_seconds %.2f%n", median(plain));
    System.out.printf(Locale.ROOT, "subgroups_seconds %.2f%n", median(subgroups));
    System.out.printf(Locale.ROOT, "timed_runs %d%n", TIMED_RUNS);
    System.out.printf(Locale.ROOT, "plain_runs %s%n", runs(plain));
    System.out.printf(Locale.ROOT, "subgroups_runs %s%n", runs(subgroups));
    Map<String, ToDoubleFunction<SubgroupResult.Timings>> phaseTimes = new LinkedHashMap<>();
    phaseTimes.put("describe", SubgroupResult.Timings::describe);
    phaseTimes.put("aggregate", SubgroupResult.Timings::aggregate);
    phaseTimes.put("fit", SubgroupResult.Timings::fit);
    phaseTimes.put("variation", SubgroupResult.Timings::variation);
    phaseTimes.put("funnels", SubgroupResult.Timings::funnels);
    phaseTimes.forEach((phase, time) -> System.out.printf(Locale.ROOT, "phase_%s %.2f%n", phase,
        median(phases.stream().map(t -> time.applyAsDouble(t)).toList())));
    System.out.println("levels " + result.levels().size());
    System.out.println("tests " + result.tests().size());
    for (String measure : GoldSimulation.MEASURES.keySet()) {
      InteractionTest t = result.test(measure, Dimension.PERSONALITY);
      double planted = GoldSimulation.MEASURES.get(measure).did();
      System.out.printf(Locale.ROOT, "personality_%s p %.3g holm %.3g bh %.3g%n", measure, t.p(), t.pHolm(),
          t.pBh());
      for (String level : List.of("no", "yes")) {
        LevelEstimate l = result.level(measure, Dimension.PERSONALITY, level);
        DidEstimate e = l.did();
        double truth = level.equals("yes") ? multiplier * planted : planted;
        System.out.printf(Locale.ROOT, "level_%s_%s %.3f %.3f %.3f truth %.3f covered %s%n", measure, level,
            e.estimate(), e.satLow(), e.satHigh(), truth, e.satLow() <= truth && truth <= e.satHigh());
      }
    }
    spark.stop();
  }

  static Dataset<Row> cached(Dataset<Row> d) {
    return d.persist(StorageLevel.MEMORY_AND_DISK());
  }
}
