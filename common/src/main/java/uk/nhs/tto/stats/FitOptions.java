package uk.nhs.tto.stats;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * How to fit a mixed model: REML or ML, whether to report BLUPs, and how categorical columns are coded.
 *
 * <p>Immutable; each {@code with…} returns a copy. String and boolean columns are categorical (treatment
 * contrasts, levels sorted, the first is the baseline); {@link #withBaseline} picks another baseline and
 * {@link #withFactor} makes a numeric column categorical (e.g. gender coded 1/2/9).
 */
public final class FitOptions {

  private final Method method;
  private final boolean blups;
  private final Map<String, String> baselines;
  private final Set<String> factors;

  private FitOptions(Method method, boolean blups, Map<String, String> baselines, Set<String> factors) {
    this.method = method;
    this.blups = blups;
    this.baselines = Map.copyOf(baselines);
    this.factors = Set.copyOf(factors);
  }

  /** Restricted maximum likelihood, lme4's default. */
  public static FitOptions reml() {
    return new FitOptions(Method.REML, false, Map.of(), Set.of());
  }

  /** Maximum likelihood (for comparing models that differ in fixed effects). */
  public static FitOptions ml() {
    return new FitOptions(Method.ML, false, Map.of(), Set.of());
  }

  /** The same options with BLUPs (conditional modes and SDs) included in summaries and JSON. */
  public FitOptions withBlups() {
    return new FitOptions(method, true, baselines, factors);
  }

  /** Codes {@code column} as categorical with {@code level} as the baseline (its first level). */
  public FitOptions withBaseline(String column, String level) {
    Map<String, String> b = new LinkedHashMap<>(baselines);
    b.put(column, level);
    Set<String> f = new LinkedHashSet<>(factors);
    f.add(column);
    return new FitOptions(method, blups, b, f);
  }

  /** Codes a numeric {@code column} as categorical (levels sorted numerically). */
  public FitOptions withFactor(String column) {
    Set<String> f = new LinkedHashSet<>(factors);
    f.add(column);
    return new FitOptions(method, blups, baselines, f);
  }

  public Method method() {
    return method;
  }

  public boolean blups() {
    return blups;
  }

  /** Baseline level per categorical column, where one was chosen. */
  public Map<String, String> baselines() {
    return baselines;
  }

  /** Columns to treat as categorical whatever their type. */
  public Set<String> factors() {
    return factors;
  }

  @Override
  public String toString() {
    return method + (blups ? " with BLUPs" : "") + (baselines.isEmpty() ? "" : " baselines " + baselines);
  }
}
