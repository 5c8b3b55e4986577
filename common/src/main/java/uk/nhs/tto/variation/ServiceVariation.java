package uk.nhs.tto.variation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.Blup;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.Moments;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.subgroups.Dimension;
import uk.nhs.tto.subgroups.InteractionTest;
import uk.nhs.tto.subgroups.LevelCohorts;
import uk.nhs.tto.subgroups.SplitKey;
import uk.nhs.tto.subgroups.SubgroupModels;
import uk.nhs.tto.variation.ChangeScoreModel.ServiceSums;

/**
 * Service variation: for each measure and service, the service's own (unshrunken) difference-in-differences beside
 * the shrunken one the national change-score model predicts ({@link ChangeScoreModel}) and the service's random
 * intercept in SPEC §5's national model; and per measure, the test that services' DiDs vary.
 *
 * <p>The per-service and national fits come from the subgroup pass; this class adds the change-score model, which
 * costs two aggregations of one small row per course (the model with and without the service × cohort term), each
 * fitting every measure at once.
 */
public final class ServiceVariation {

  /** The national model's grouping level whose BLUPs are the services' random intercepts. */
  public static final String SERVICE_LEVEL = "service";

  private ServiceVariation() {}

  /** What this step produces: per measure × service effects, and per measure the variation test. */
  public record Result(List<ServiceEffect> effects, List<InteractionTest> tests) {}

  /**
   * @param changes one row per course × measure: {@code measure}, {@code service}, {@code cohort},
   *     {@code cohort_group}, {@code change} ({@link uk.nhs.tto.subgroups.SubgroupData#changes})
   * @param described cohort descriptions by split value (services' splits give the sums the BLUPs need)
   * @param nationalFits per measure, SPEC §5's national model (null where it failed)
   * @param serviceFits per split value {@code measure|service|S}, that service's own model (or its failure)
   * @param domains measure to domain
   */
  public static Result analyse(
      Dataset<Row> changes,
      Map<String, LevelCohorts> described,
      Map<String, LmmFit> nationalFits,
      Map<String, SubgroupModels.Outcome> serviceFits,
      Map<String, String> domains) {
    FitOptions reml = FitOptions.reml();
    Map<String, SubgroupModels.Outcome> full = fitEach(changes, ChangeScoreModel.FORMULA, reml);
    Map<String, SubgroupModels.Outcome> reduced = fitEach(changes, ChangeScoreModel.NULL_FORMULA, reml);
    List<ServiceEffect> effects = new ArrayList<>();
    List<InteractionTest> tests = new ArrayList<>();
    for (Map.Entry<String, String> m : domains.entrySet()) {
      String measure = m.getKey();
      String domain = m.getValue();
      Map<String, LevelCohorts> services = new TreeMap<>();
      Map<String, ServiceSums> sums = new LinkedHashMap<>();
      described.forEach((split, cohorts) -> {
        SplitKey k = SplitKey.parse(split);
        if (k.measure().equals(measure) && k.dimension() == Dimension.SERVICE) {
          services.put(k.level(), cohorts);
          sums.put(k.level(), sums(cohorts));
        }
      });
      SubgroupModels.Outcome f = full.get(measure);
      SubgroupModels.Outcome r = reduced.get(measure);
      Map<String, ServiceDid> shrunken = new LinkedHashMap<>();
      String shrunkenNote = null;
      if (f != null && f.fit() != null) {
        try {
          ChangeScoreModel.blups(f.fit(), sums).forEach(d -> shrunken.put(d.service(), d));
        } catch (TtoException e) {
          shrunkenNote = e.getMessage();
        }
      } else {
        shrunkenNote = "change-score model not fitted: " + (f == null ? "no courses" : f.error());
      }
      tests.add(test(domain, measure, f, r, services.size()));
      LmmFit national = nationalFits.get(measure);
      Map<String, Blup> levels = national == null ? Map.of() : levelEffects(national);
      String levelNote = national == null ? "national model not fitted"
          : levels.isEmpty() ? "the national model has no service level" : null;
      for (Map.Entry<String, LevelCohorts> s : services.entrySet()) {
        String service = s.getKey();
        SubgroupModels.Outcome own = serviceFits.get(new SplitKey(measure, Dimension.SERVICE, service).encode());
        List<String> notes = new ArrayList<>();
        if (own == null) {
          notes.add("own model not fitted (service dimension not configured)");
        } else if (own.fit() == null) {
          notes.add("own model not fitted: " + own.error());
        } else if (SubgroupModels.did(own.fit()) == null) {
          notes.add("own model cannot estimate time:cohort (a cohort has no courses)");
        }
        if (shrunkenNote != null) {
          notes.add(shrunkenNote);
        }
        if (levelNote != null) {
          notes.add(levelNote);
        }
        effects.add(new ServiceEffect(domain, measure, service, s.getValue(),
            own == null || own.fit() == null ? null : SubgroupModels.did(own.fit()),
            shrunken.get(service), levels.get(service), notes.isEmpty() ? null : String.join("; ", notes)));
      }
    }
    return new Result(effects, tests);
  }

  /**
   * Each service's random intercept in a national model with a {@value #SERVICE_LEVEL} grouping level: its BLUP
   * and conditional SD (lme4's {@code ranef(condVar = TRUE)}), by service; empty when the model has no such level.
   */
  public static Map<String, Blup> levelEffects(LmmFit national) {
    Map<String, Blup> out = new LinkedHashMap<>();
    if (national.formula().levels().stream().anyMatch(l -> l.name().equals(SERVICE_LEVEL))) {
      national.blups(SERVICE_LEVEL).forEach(b -> out.put(b.group(), b));
    }
    return out;
  }

  private static ServiceSums sums(LevelCohorts c) {
    return new ServiceSums(
        c.pre().clients(), c.pre().clients() == 0 ? 0 : c.pre().clients() * c.pre().meanChange(),
        c.post().clients(), c.post().clients() == 0 ? 0 : c.post().clients() * c.post().meanChange());
  }

  private static InteractionTest test(
      String domain, String measure, SubgroupModels.Outcome full, SubgroupModels.Outcome reduced, int services) {
    if (full == null || full.fit() == null || reduced == null || reduced.fit() == null) {
      String why = full == null ? "no courses" : full.fit() == null ? full.error()
          : reduced == null || reduced.fit() == null ? (reduced == null ? "no courses" : reduced.error()) : "";
      return new InteractionTest(domain, measure, Dimension.SERVICE, ChangeScoreModel.TEST_METHOD, Double.NaN, 0,
          Double.NaN, Double.NaN, Double.NaN, services, List.of("change-score model not fitted: " + why));
    }
    double[] t = ChangeScoreModel.varianceTest(full.fit(), reduced.fit());
    return new InteractionTest(domain, measure, Dimension.SERVICE, ChangeScoreModel.TEST_METHOD, t[0], 1, t[1],
        Double.NaN, Double.NaN, services, full.fit().warnings());
  }

  /** Fits {@code formula} to every measure of the change data from one aggregation, keeping going past failures. */
  private static Map<String, SubgroupModels.Outcome> fitEach(Dataset<Row> changes, String formula, FitOptions o) {
    Moments moments = MixedModel.momentsBySplit(changes, Formula.parse(formula), "measure", o);
    return SubgroupModels.fitAll(moments, o);
  }
}
