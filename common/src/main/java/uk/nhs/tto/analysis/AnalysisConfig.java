package uk.nhs.tto.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;

/**
 * The evaluation model's configuration (SPEC §5), read from {@link Settings} in one place: which courses
 * (intensity), which covariates, which nested random intercepts, REML or ML — and the lme4 formula they make.
 *
 * <p>The model's data use readable column names: {@code score}, {@code time} (0 first, 1 last), {@code cohort}
 * (0 pre, 1 post), the covariates as named in {@code gold.courses}, and the grouping columns {@code service},
 * {@code therapist} and {@code client} (the course, {@code PathwayID}), so the default formula reads
 * {@code score ~ time * cohort + (1 | service/therapist/client)} and the engine's groups carry those names.
 *
 * @param intensity {@code HIGH}, {@code LOW} or {@code ANY} (no filter)
 * @param covariates course attributes added as fixed effects, in the configured order
 * @param randomLevels grouping levels, outermost first (a subset of service, therapist, client in that order)
 * @param method {@code REML} or {@code ML}
 */
public record AnalysisConfig(String intensity, List<String> covariates, List<String> randomLevels, String method) {

  /** Covariates the model may adjust for: columns of gold.courses, used as categorical. */
  public static final List<String> ALLOWED_COVARIATES = List.of("age_band", "gender", "ethnic_group", "imd_quintile");

  /** Grouping levels in nesting order, each with the gold.courses column it comes from. */
  public static final Map<String, String> LEVEL_SOURCES = levelSources();

  /** The level a missing covariate value is coded as, so that no course silently leaves the model. */
  public static final String UNKNOWN = "unknown";

  public AnalysisConfig {
    covariates = List.copyOf(covariates);
    randomLevels = List.copyOf(randomLevels);
  }

  /** Reads and checks the {@code tto.analysis.*} settings. */
  public static AnalysisConfig from(Settings settings) {
    String intensity = settings.stringOr(Keys.ANALYSIS_INTENSITY, "HIGH").toUpperCase(Locale.ROOT);
    if (!List.of("HIGH", "LOW", "ANY").contains(intensity)) {
      throw TtoException.of(
          Keys.ANALYSIS_INTENSITY + " is '" + intensity + "'",
          "courses are selected by intensity HIGH or LOW (SPEC §3), or ANY for all",
          "set it to HIGH (the default), LOW or ANY");
    }
    List<String> covariates = new ArrayList<>();
    for (String c : settings.stringOr(Keys.ANALYSIS_COVARIATES, "").split(",")) {
      String name = c.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!ALLOWED_COVARIATES.contains(name)) {
        throw TtoException.of(
            Keys.ANALYSIS_COVARIATES + " names '" + name + "'",
            "the model can adjust for " + String.join(", ", ALLOWED_COVARIATES),
            "use a comma list of those, or leave it empty");
      }
      if (!covariates.contains(name)) {
        covariates.add(name);
      }
    }
    String method = settings.stringOr(Keys.ANALYSIS_METHOD, "REML").toUpperCase(Locale.ROOT);
    if (!method.equals("REML") && !method.equals("ML")) {
      throw TtoException.of(
          Keys.ANALYSIS_METHOD + " is '" + method + "'", "the model is fitted by REML or ML", "set it to REML or ML");
    }
    return new AnalysisConfig(intensity, covariates, parseLevels(settings.stringOr(Keys.ANALYSIS_RANDOM, "")), method);
  }

  /** SPEC §5's defaults: HIGH intensity, no covariates, service/therapist/client, REML. */
  public static AnalysisConfig defaults() {
    return from(Settings.defaults());
  }

  /** The same configuration fitted by another method. */
  public AnalysisConfig withMethod(String m) {
    return new AnalysisConfig(intensity, covariates, randomLevels, m);
  }

  /** The model in lme4's syntax, e.g. {@code score ~ time * cohort + gender + (1 | service/therapist/client)}. */
  public String formula() {
    StringBuilder sb = new StringBuilder("score ~ time * cohort");
    for (String c : covariates) {
      sb.append(" + ").append(c);
    }
    return sb.append(" + (1 | ").append(String.join("/", randomLevels)).append(')').toString();
  }

  private static List<String> parseLevels(String text) {
    String fix = "write a nesting of service, therapist and client, outermost first, e.g. service/therapist/client";
    if (text.isBlank()) {
      throw TtoException.of(Keys.ANALYSIS_RANDOM + " is empty", "SPEC §5's model has nested random intercepts", fix);
    }
    List<String> known = new ArrayList<>(LEVEL_SOURCES.keySet());
    List<String> levels = new ArrayList<>();
    int last = -1;
    for (String part : text.split("/")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      int at = known.indexOf(name);
      if (at < 0) {
        throw TtoException.of(
            Keys.ANALYSIS_RANDOM + " names '" + part.trim() + "'", "the grouping levels are " + known, fix);
      }
      if (at <= last) {
        throw TtoException.of(
            Keys.ANALYSIS_RANDOM + " is '" + text + "'",
            "levels must go from outermost to innermost without repeats (service ⊃ therapist ⊃ client)",
            fix);
      }
      last = at;
      levels.add(name);
    }
    return levels;
  }

  private static Map<String, String> levelSources() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("service", "service_id");
    m.put("therapist", "therapist");
    m.put("client", "PathwayID");
    return java.util.Collections.unmodifiableMap(m);
  }
}
