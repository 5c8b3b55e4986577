package uk.nhs.tto.generate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data-generating model for first and last scores, per domain:
 * {@code score = mu + service + therapist + client + time*(delta + serviceSlope) + time*post*effect + e}.
 *
 * <p>Standard deviations follow the seed study's shape (the lme4 reference fit of did40: service 1.3, client
 * 3.1, residual 4.0 on the PHQ-9 scale) and are scaled to each measure's range, so that starting scores sit
 * near caseness and clamping to the valid range stays rare. Last scores are lower by {@code delta}: the
 * improvement every course shows, trained or not.
 */
final class ScoreModel {

  /** SDs on the PHQ-9 (0–27) scale; multiplied by {@link #scale(Domain)} for the other measures. */
  static final double SD_SERVICE = 1.3;
  static final double SD_THERAPIST = 0.8;
  static final double SD_CLIENT = 3.0;
  static final double SD_RESIDUAL = 4.0;
  static final double SD_SERVICE_SLOPE = 0.5;
  /** Noise around the straight line from first to last for scores in between. */
  static final double SD_DRIFT = 1.5;
  /** A client's severity is shared across domains with this correlation (so is a therapist's effect). */
  static final double CROSS_DOMAIN_CORRELATION = 0.5;
  /** Clients with personality difficulties (F60/F61) start this much higher. */
  static final double PERSONALITY_SHIFT = 1.5;
  /** Low-intensity courses improve by this share of {@code delta}. */
  static final double LOW_INTENSITY_DELTA_SHARE = 0.8;

  private ScoreModel() {}

  /** Mean first score: PHQ-9 ~15, GAD-7 ~13, WSAS ~20, phobia ~10 (most clients start around caseness). */
  static double mu(Domain d) {
    return switch (d) {
      case DEPRESSION -> 15.0;
      case ANXIETY -> 13.0;
      case SOCIAL_FUNCTIONING -> 20.0;
      case PHOBIA -> 10.0;
    };
  }

  /** Mean change from first to last score of an untreated-by-training (pre) high-intensity course. */
  static double delta(Domain d) {
    return switch (d) {
      case DEPRESSION -> -5.0;
      case ANXIETY -> -4.5;
      case SOCIAL_FUNCTIONING -> -6.0;
      case PHOBIA -> -2.5;
    };
  }

  /** The measure's range relative to PHQ-9's 27 points. */
  static double scale(Domain d) {
    return d.totalMax() / 27.0;
  }

  /** The parameters as generator.json records them. */
  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("formula", "score = mu + service + therapist + client + time*(delta + service_slope) "
        + "+ time*post*effect + e");
    m.put("sd_on_phq9_scale", GenerationSummary.ordered(
        "service", SD_SERVICE, "therapist", SD_THERAPIST, "client", SD_CLIENT, "residual", SD_RESIDUAL,
        "service_slope", SD_SERVICE_SLOPE, "drift", SD_DRIFT));
    m.put("cross_domain_correlation", CROSS_DOMAIN_CORRELATION);
    m.put("personality_shift_on_phq9_scale", PERSONALITY_SHIFT);
    m.put("low_intensity_delta_share", LOW_INTENSITY_DELTA_SHARE);
    Map<String, Object> perDomain = new LinkedHashMap<>();
    for (Domain d : Domain.values()) {
      perDomain.put(d.label(), GenerationSummary.ordered("mu", mu(d), "delta", delta(d), "scale", scale(d)));
    }
    m.put("domains", perDomain);
    return m;
  }
}
