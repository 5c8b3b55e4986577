package uk.nhs.tto.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.formula.Formula;

/**
 * A fitted linear mixed model: fixed effects with SEs and Satterthwaite inference, variance components, the
 * (RE)ML criterion and information criteria, convergence, BLUPs, and lme4-style text and JSON summaries.
 */
public final class LmmFit {

  /** The 97.5% standard-normal quantile used for Wald intervals (as in the reference values). */
  public static final double Z975 = 1.959963985;

  private final Formula formula;
  private final FitOptions options;
  private final String split;
  private final List<String> terms;
  private final double[] beta;
  private final double[] theta;
  private final double sigma;
  private final double criterion;
  private final long nObs;
  private final long nDropped;
  private final Map<String, Long> groups;
  private final Map<String, Long> singletons;
  private final boolean converged;
  private final int iterations;
  private final List<String> warnings;
  private final boolean[] atBoundary;
  private final Satterthwaite satterthwaite;
  private final Map<String, List<Blup>> blups;
  private final Timing timing;
  private final List<FixedEffect> fixed;

  LmmFit(
      Formula formula, FitOptions options, String split, List<String> terms, double[] beta, double[] theta,
      double sigma, double criterion, long nObs, long nDropped, Map<String, Long> groups,
      Map<String, Long> singletons, boolean converged, int iterations, List<String> warnings, boolean[] boundary,
      Satterthwaite satterthwaite, Map<String, List<Blup>> blups,
      Timing timing) {
    this.formula = formula;
    this.options = options;
    this.split = split;
    this.terms = List.copyOf(terms);
    this.beta = beta.clone();
    this.theta = theta.clone();
    this.sigma = sigma;
    this.criterion = criterion;
    this.nObs = nObs;
    this.nDropped = nDropped;
    this.groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    this.singletons = Collections.unmodifiableMap(new LinkedHashMap<>(singletons));
    this.converged = converged;
    this.iterations = iterations;
    this.warnings = List.copyOf(warnings);
    this.atBoundary = boundary.clone();
    this.satterthwaite = satterthwaite;
    this.blups = blups;
    this.timing = timing;
    List<FixedEffect> f = new ArrayList<>();
    for (int j = 0; j < terms.size(); j++) {
      Contrast c = contrast(unit(j));
      f.add(new FixedEffect(terms.get(j), c.estimate(), c.se(), c.df(), c.t(), c.p(), c.ciLow(), c.ciHigh(),
          c.estimate() - Z975 * c.se(), c.estimate() + Z975 * c.se()));
    }
    this.fixed = List.copyOf(f);
  }

  private double[] unit(int j) {
    double[] l = new double[terms.size()];
    l[j] = 1;
    return l;
  }

  /** Fixed effects in model-matrix order (aliased columns dropped, see {@link #warnings()}). */
  public List<FixedEffect> fixed() {
    return fixed;
  }

  /** The fixed effect named {@code term} as lme4 names it (e.g. {@code time:cohort}). */
  public FixedEffect fixed(String term) {
    for (FixedEffect f : fixed) {
      if (f.term().equals(term)) {
        return f;
      }
    }
    throw TtoException.of(
        "No fixed effect '" + term + "' in the fit of " + formula.text(),
        "its terms are " + terms,
        "use one of those names (categorical columns are named column + level, e.g. genderM)");
  }

  /** Random-intercept variance components, lowest level first (as lme4 prints them), without the residual. */
  public List<VarianceComponent> random() {
    List<VarianceComponent> out = new ArrayList<>();
    for (int l = 0; l < theta.length; l++) {
      double sd = sigma * theta[l];
      out.add(new VarianceComponent(formula.levels().get(l).name(), sd * sd, sd));
    }
    return out;
  }

  public double residualVariance() {
    return sigma * sigma;
  }

  public double residualSd() {
    return sigma;
  }

  public Method method() {
    return options.method();
  }

  /** The REML criterion (−2 REML log-likelihood) for REML fits, the deviance (−2 log-likelihood) for ML fits. */
  public double criterion() {
    return criterion;
  }

  /** The (RE)ML log-likelihood: −criterion / 2. */
  public double logLik() {
    return -criterion / 2;
  }

  /** Number of estimated parameters: fixed effects, variance ratios and the residual SD (lme4's df of logLik). */
  public int parameters() {
    return terms.size() + theta.length + 1;
  }

  public double aic() {
    return criterion + 2 * parameters();
  }

  public double bic() {
    return criterion + parameters() * Math.log(nObs);
  }

  /** Observations used (complete rows). */
  public long nObs() {
    return nObs;
  }

  /** Rows dropped for a missing response, covariate or grouping value. */
  public long nDropped() {
    return nDropped;
  }

  /** Number of groups per grouping level (lme4's names), lowest level first. */
  public Map<String, Long> groups() {
    return groups;
  }

  /**
   * Groups with a single observation per grouping level. They are kept, as lme4 keeps them: they inform the fixed
   * effects and the levels above, though not their own level's variance apart from the residual's.
   */
  public Map<String, Long> singletonGroups() {
    return singletons;
  }

  public boolean converged() {
    return converged;
  }

  /** Likelihood evaluations the optimiser used. */
  public int iterations() {
    return iterations;
  }

  /** Messages as lme4 would give them: aliased columns dropped, boundary fits, convergence. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Whether any variance is at the boundary: θ within lme4's 1e-4 of zero (a singular fit), or so close to zero
   * that setting it to 0 changes the criterion by less than 0.01 (the estimate is under a tenth of its SE).
   */
  public boolean boundary() {
    return !boundaryGroups().isEmpty();
  }

  /** The grouping levels whose variance is at the boundary (see {@link #boundary()}). */
  public List<String> boundaryGroups() {
    List<String> out = new ArrayList<>();
    for (int l = 0; l < atBoundary.length; l++) {
      if (atBoundary[l]) {
        out.add(formula.levels().get(l).name());
      }
    }
    return out;
  }

  /** The relative SDs θ (random SD / residual SD), lowest level first: lme4's {@code getME(fit, "theta")}. */
  public double[] theta() {
    return theta.clone();
  }

  /** The covariance matrix of β̂ (rows and columns in {@link #termNames()} order). */
  public double[][] vcov() {
    return satterthwaite.vcov();
  }

  public List<String> termNames() {
    return terms;
  }

  /** The split level this fit belongs to ({@link Moments#ALL} without a split). */
  public String split() {
    return split;
  }

  public Formula formula() {
    return formula;
  }

  public Timing timing() {
    return timing;
  }

  /** Estimate, SE, Satterthwaite df, t, p and t-based 95% CI of Lᵀβ (L in {@link #termNames()} order). */
  public Contrast contrast(double[] l) {
    if (l.length != terms.size()) {
      throw new IllegalArgumentException(
          "Contrast needs one weight per term " + terms + ", cannot be of length: " + l.length);
    }
    double estimate = 0;
    for (int j = 0; j < l.length; j++) {
      estimate += l[j] * beta[j];
    }
    double se = Math.sqrt(satterthwaite.variance(l));
    double df = satterthwaite.df(l);
    double t = estimate / se;
    double p;
    double q;
    if (Double.isFinite(df) && df > 0) {
      TDistribution dist = new TDistribution(null, df);
      p = 2 * dist.cumulativeProbability(-Math.abs(t));
      q = dist.inverseCumulativeProbability(0.975);
    } else {
      p = Double.NaN;
      q = Double.NaN;
    }
    return new Contrast(estimate, se, df, t, p, estimate - q * se, estimate + q * se);
  }

  /** A contrast given as weights by term name (terms not named weigh 0). */
  public Contrast contrast(Map<String, Double> weights) {
    double[] l = new double[terms.size()];
    weights.forEach((term, w) -> {
      int j = terms.indexOf(term);
      if (j < 0) {
        fixed(term);
      }
      l[j] = w;
    });
    return contrast(l);
  }

  /**
   * BLUPs of one grouping level (lme4's name), in group order. Available for every level but the lowest, whose
   * groups the moments fold together.
   */
  public List<Blup> blups(String group) {
    formula.level(group);
    List<Blup> b = blups.get(group);
    if (b == null) {
      throw TtoException.of(
          "BLUPs of " + group + " are not available",
          "it is the lowest grouping level: the moment engine folds its groups by size and so never holds one"
              + " value per group (that would be data-scale work on the driver)",
          "ask for a higher level: " + blups.keySet());
    }
    return b;
  }

  /** The fit as the SPEC §7 {@code lmm} JSON object (plus added fields), ready for a JSON writer. */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("formula", formula.text());
    m.put("method", method().name());
    m.put("n_obs", nObs);
    m.put("groups", new LinkedHashMap<>(groups));
    List<Map<String, Object>> fx = new ArrayList<>();
    for (FixedEffect f : fixed) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("term", f.term());
      e.put("estimate", number(f.estimate()));
      e.put("se", number(f.se()));
      e.put("df", number(f.df()));
      e.put("t", number(f.t()));
      e.put("p", number(f.p()));
      e.put("ci_low", number(f.ciLow()));
      e.put("ci_high", number(f.ciHigh()));
      e.put("wald_ci_low", number(f.waldLow()));
      e.put("wald_ci_high", number(f.waldHigh()));
      fx.add(e);
    }
    m.put("fixed", fx);
    List<Map<String, Object>> re = new ArrayList<>();
    for (VarianceComponent v : random()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("group", v.group());
      e.put("variance", v.variance());
      e.put("sd", v.sd());
      re.add(e);
    }
    m.put("random", re);
    m.put("residual_sd", sigma);
    m.put("criterion", criterion);
    m.put("converged", converged);
    m.put("criterion_name", method() == Method.REML ? "REML criterion" : "deviance");
    m.put("residual_variance", residualVariance());
    m.put("log_lik", logLik());
    m.put("aic", aic());
    m.put("bic", bic());
    m.put("n_dropped", nDropped);
    m.put("singleton_groups", new LinkedHashMap<>(singletons));
    m.put("iterations", iterations);
    m.put("boundary", boundary());
    m.put("boundary_groups", boundaryGroups());
    m.put("warnings", warnings);
    m.put("vcov", vcov());
    m.put("timing", Map.of("aggregate_seconds", timing.aggregateSeconds(), "optimise_seconds",
        timing.optimiseSeconds()));
    if (options.blups()) {
      Map<String, Object> all = new LinkedHashMap<>();
      blups.forEach((level, list) -> all.put(level, list.stream()
          .map(b -> Map.<String, Object>of("group", b.group(), "blup", b.value(), "cond_sd", b.condSd()))
          .toList()));
      m.put("blups", all);
    }
    return m;
  }

  /** {@link #toJsonMap()} as indented JSON text. */
  public String toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJsonMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a fit as JSON", e);
    }
  }

  private static Object number(double d) {
    return Double.isFinite(d) ? d : null;
  }

  /** An lme4/lmerTest-style printed summary. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append("Linear mixed model fit by ").append(method() == Method.REML ? "REML" : "maximum likelihood")
        .append(". t-tests use Satterthwaite's method\n");
    sb.append("Formula: ").append(formula.text()).append('\n');
    if (!split.equals(Moments.ALL)) {
      sb.append("Split: ").append(split).append('\n');
    }
    sb.append('\n');
    if (method() == Method.REML) {
      sb.append(String.format(Locale.ROOT, "REML criterion at convergence: %.4f%n", criterion));
    } else {
      sb.append(String.format(Locale.ROOT, "%10s %10s %10s %10s %10s%n", "AIC", "BIC", "logLik", "deviance",
          "df.resid"));
      sb.append(String.format(Locale.ROOT, "%10.1f %10.1f %10.1f %10.1f %10d%n", aic(), bic(), logLik(), criterion,
          nObs - parameters()));
    }
    sb.append("\nRandom effects:\n");
    int width = "Residual".length();
    for (String g : groups.keySet()) {
      width = Math.max(width, g.length());
    }
    String row = " %-" + width + "s %-11s %12s %10s%n";
    sb.append(String.format(Locale.ROOT, row, "Groups", "Name", "Variance", "Std.Dev."));
    for (VarianceComponent v : random()) {
      sb.append(String.format(Locale.ROOT, row, v.group(), "(Intercept)", fmt(v.variance()), fmt(v.sd())));
    }
    sb.append(String.format(Locale.ROOT, row, "Residual", "", fmt(residualVariance()), fmt(sigma)));
    sb.append("Number of obs: ").append(nObs).append(", groups:  ");
    List<String> parts = new ArrayList<>();
    groups.forEach((g, n) -> parts.add(g + ", " + n));
    sb.append(String.join("; ", parts)).append('\n');
    singletons.forEach((g, k) -> {
      if (k > 0) {
        sb.append(k).append(" groups of ").append(g).append(" have a single observation (kept)\n");
      }
    });
    if (nDropped > 0) {
      sb.append(nDropped).append(" rows dropped for missing values\n");
    }
    sb.append("\nFixed effects:\n");
    int tw = 11;
    for (String t : terms) {
      tw = Math.max(tw, t.length());
    }
    String fr = "%-" + tw + "s %12s %12s %12s %9s %10s %12s %12s%n";
    sb.append(String.format(Locale.ROOT, fr, "", "Estimate", "Std. Error", "df", "t value", "Pr(>|t|)",
        "2.5 %", "97.5 %"));
    for (FixedEffect f : fixed) {
      sb.append(String.format(Locale.ROOT, fr, f.term(), fmt(f.estimate()), fmt(f.se()), fmt(f.df()),
          String.format(Locale.ROOT, "%.3f", f.t()), pValue(f.p()), fmt(f.ciLow()), fmt(f.ciHigh())));
    }
    if (options.blups()) {
      blups.forEach((level, list) -> {
        sb.append("\nBLUPs of ").append(level).append(" (conditional mode, conditional SD):\n");
        for (Blup b : list) {
          sb.append(String.format(Locale.ROOT, "  %-12s %12s %12s%n", b.group(), fmt(b.value()), fmt(b.condSd())));
        }
      });
    }
    sb.append(converged ? "\nConverged" : "\nNOT converged").append(" after ").append(iterations)
        .append(" likelihood evaluations\n");
    for (String w : warnings) {
      sb.append("warning: ").append(w).append('\n');
    }
    return sb.toString();
  }

  private static String fmt(double d) {
    if (!Double.isFinite(d)) {
      return "NA";
    }
    double a = Math.abs(d);
    return a != 0 && (a < 1e-3 || a >= 1e7)
        ? String.format(Locale.ROOT, "%.4e", d)
        : String.format(Locale.ROOT, "%.6g", d);
  }

  private static String pValue(double p) {
    if (!Double.isFinite(p)) {
      return "NA";
    }
    return p < 2e-16 ? "< 2e-16" : String.format(Locale.ROOT, "%.3g", p);
  }

  @Override
  public String toString() {
    return summary();
  }
}
