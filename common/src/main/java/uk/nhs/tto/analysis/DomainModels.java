package uk.nhs.tto.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.FixedEffect;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.Moments;
import uk.nhs.tto.stats.VarianceComponent;

/**
 * Fits SPEC §5's model to every measure at once and turns each fit into the figures {@code results.did} keeps.
 * All measures share one set of moments (the measure is the split), so the four domains cost one pass over the
 * data.
 */
final class DomainModels {

  /** The difference-in-differences term of {@code score ~ time * cohort + …}, as lme4 names it. */
  static final String DID_TERM = "time:cohort";

  private DomainModels() {}

  /**
   * Every measure's model from one set of moments (built with the measure as the split), fitted in parallel; a
   * measure whose model cannot be fitted (e.g. a cohort too small to estimate anything) carries its reason and the
   * others still get results.
   */
  static Map<String, MixedModel.SplitFit> fit(Moments moments, AnalysisConfig config) {
    return MixedModel.fitEachSplit(moments, options(config));
  }

  /** The engine's options for the configured method. */
  static FitOptions options(AnalysisConfig config) {
    return config.method().equals("ML") ? FitOptions.ml() : FitOptions.reml();
  }

  /** The {@code time:cohort} estimate of a fit, or null when the model could not estimate it (aliased). */
  static DidEstimate did(LmmFit fit) {
    if (!fit.termNames().contains(DID_TERM)) {
      return null;
    }
    FixedEffect f = fit.fixed(DID_TERM);
    return new DidEstimate(
        f.estimate(), f.se(), f.waldLow(), f.waldHigh(), f.ciLow(), f.ciHigh(), f.df(), f.t(), f.p());
  }

  /**
   * The fit's variance components and group counts under readable level names, outermost first: lme4 names the
   * group of {@code client} nested in {@code therapist} in {@code service} {@code client:(therapist:service)}; the
   * name before the first colon is the level's own.
   */
  static ModelFacts facts(LmmFit fit) {
    Map<String, Double> variances = new LinkedHashMap<>();
    List<VarianceComponent> random = new ArrayList<>(fit.random());
    for (ListIterator<VarianceComponent> it = random.listIterator(random.size()); it.hasPrevious(); ) {
      VarianceComponent v = it.previous();
      variances.put(readable(v.group()), v.variance());
    }
    variances.put(ModelFacts.RESIDUAL, fit.residualVariance());
    List<Map.Entry<String, Long>> groups = new ArrayList<>(fit.groups().entrySet());
    Map<String, Long> readableGroups = new LinkedHashMap<>();
    for (int i = groups.size() - 1; i >= 0; i--) {
      readableGroups.put(readable(groups.get(i).getKey()), groups.get(i).getValue());
    }
    return new ModelFacts(
        variances,
        readableGroups,
        fit.nObs(),
        fit.nDropped(),
        fit.converged(),
        fit.boundary(),
        fit.iterations(),
        fit.criterion());
  }

  static String readable(String lme4Group) {
    int colon = lme4Group.indexOf(':');
    return colon < 0 ? lme4Group : lme4Group.substring(0, colon);
  }
}
