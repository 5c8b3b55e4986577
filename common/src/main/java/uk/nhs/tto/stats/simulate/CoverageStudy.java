package uk.nhs.tto.stats.simulate;

import java.util.Random;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.FixedEffect;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.formula.Formula;

/**
 * Checks the engine's inference by simulation: fits many replicates of a 3-level design with known truth
 * (in memory, through the same moment code Spark uses) and counts how often the 95% Satterthwaite CI of
 * {@code time:cohort} covers the true value.
 */
public final class CoverageStudy {

  /** The model fitted to each replicate. */
  public static final Formula FORMULA = Formula.parse("score ~ time*cohort + (1|service_id/therapist_id/client_id)");

  /** Services, therapists per service, clients per therapist of each replicate. */
  public static final int SERVICES = 20;
  public static final int THERAPISTS = 3;
  public static final int CLIENTS = 10;

  /** The outcome of a study. */
  public record Result(int replicates, int covered, int waldCovered, int converged, double meanEstimate,
      double sdEstimate, double meanSe, double seconds) {
    public double coverage() {
      return covered / (double) replicates;
    }
  }

  private CoverageStudy() {}

  /** Runs {@code replicates} fits from a fixed seed (the same seed gives the same result). */
  public static Result run(int replicates, long seed) {
    NestedDid truth = NestedDid.did40Like();
    Random random = new Random(seed);
    long started = System.nanoTime();
    int covered = 0;
    int wald = 0;
    int converged = 0;
    double sumEstimate = 0;
    double sumSquares = 0;
    double sumSe = 0;
    for (int r = 0; r < replicates; r++) {
      LmmFit fit = MixedModel.fit(truth.rows(SERVICES, THERAPISTS, CLIENTS, random), FORMULA, FitOptions.reml());
      FixedEffect did = fit.fixed("time:cohort");
      if (did.ciLow() <= truth.timeCohort() && truth.timeCohort() <= did.ciHigh()) {
        covered++;
      }
      if (did.waldLow() <= truth.timeCohort() && truth.timeCohort() <= did.waldHigh()) {
        wald++;
      }
      converged += fit.converged() ? 1 : 0;
      sumEstimate += did.estimate();
      sumSquares += did.estimate() * did.estimate();
      sumSe += did.se();
    }
    double mean = sumEstimate / replicates;
    double sd = Math.sqrt(Math.max(0, (sumSquares - replicates * mean * mean) / (replicates - 1)));
    return new Result(replicates, covered, wald, converged, mean, sd, sumSe / replicates,
        (System.nanoTime() - started) / 1e9);
  }

  /** {@code CoverageStudy [replicates] [seed]}: prints one tab-separated line of results. */
  public static void main(String[] args) {
    int replicates = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 20_240_601L;
    Result r = run(replicates, seed);
    System.out.printf(java.util.Locale.ROOT, "replicates\t%d%ncovered\t%d%ncoverage\t%.4f%nwald_covered\t%d%n"
            + "converged\t%d%nmean_estimate\t%.5f%nsd_estimate\t%.5f%nmean_se\t%.5f%nseconds\t%.2f%nseed\t%d%n",
        r.replicates(), r.covered(), r.coverage(), r.waldCovered(), r.converged(), r.meanEstimate(),
        r.sdEstimate(), r.meanSe(),
        r.seconds(), seed);
  }
}
