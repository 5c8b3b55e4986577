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
 *
 * <p>Scores are recorded rounded and cut off at the measure's range, so a shift on the unbounded scale moves a
 * recorded score near 0 by less than itself; left alone, the floor would shrink a planted DiD of −2.53 on PHQ-9 to
 * about −2.40 in the extract. The effect is therefore planted where it is recorded: each treated course's last
 * score is shifted by {@link #latentShift}, the amount that moves its expected recorded value by the planted
 * effect.
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

  /**
   * The shift of an unbounded score that moves its expected value after clamping to 0..{@code top} by
   * {@code target}: the {@code e} with E[clamp(X + e)] − E[clamp(X)] = target for X ~ N({@code mean}, {@code sd}²).
   * Far from both bounds it is {@code target} itself. Where no shift can move the expected recorded score that far
   * (it is closer to the bound than |target|), the shift that puts the score's mean four SDs past the bound: as far
   * as it usefully goes, since the scores between first and last are drawn on the line towards it.
   */
  static double latentShift(double target, double mean, double sd, double top) {
    if (target == 0) {
      return 0;
    }
    double goal = expectedClamped(mean, sd, top) + target;
    double lo = target < 0 ? Math.min(target, -mean - 4 * sd) : 0;
    double hi = target < 0 ? 0 : Math.max(target, top - mean + 4 * sd);
    if (target < 0 ? expectedClamped(mean + lo, sd, top) >= goal : expectedClamped(mean + hi, sd, top) <= goal) {
      return target < 0 ? lo : hi;
    }
    // Newton's method on a function whose slope is P(0 < X + e < top), kept inside a shrinking bracket.
    double e = target;
    for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
      double f = expectedClamped(mean + e, sd, top) - goal;
      if (Math.abs(f) < 1e-12) {
        break;
      }
      if (f > 0) {
        hi = e;
      } else {
        lo = e;
      }
      double slope = cdf((top - mean - e) / sd) - cdf(-(mean + e) / sd);
      double next = e - f / slope;
      e = next > lo && next < hi ? next : (lo + hi) / 2;
    }
    return e;
  }

  /** E[min(max(X, 0), top)] for X ~ N({@code mean}, {@code sd}²): the mean of a score recorded within its range. */
  static double expectedClamped(double mean, double sd, double top) {
    double a = mean / sd;
    double b = (top - mean) / sd;
    double belowZero = sd * density(a) - mean * cdf(-a); // E[max(0, −X)]
    double aboveTop = sd * density(b) - (top - mean) * cdf(-b); // E[max(0, X − top)]
    return mean + belowZero - aboveTop;
  }

  private static double density(double z) {
    return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  }

  /**
   * The standard normal distribution function by Marsaglia's series (J. Stat. Softw. 11(4), 2004), absolute error
   * about 1e-15. Plain arithmetic on purpose: the generator streams within a small heap, and commons-math's
   * special functions load large tables. Beyond 8 SDs, where the tail is below 6.3e-16, it is 0 or 1: further out
   * the series' cancellation error exceeds the tail (it returned -2.7e-15 at -12), and past about 37.7 its terms
   * overflow to infinity.
   */
  static double cdf(double z) {
    if (z < -8) {
      return 0;
    }
    if (z > 8) {
      return 1;
    }
    double sum = z;
    double previous = 0;
    double term = z;
    double square = z * z;
    for (int i = 3; sum != previous; i += 2) {
      previous = sum;
      term *= square / i;
      sum += term;
    }
    return 0.5 + sum * Math.exp(-0.5 * square - 0.91893853320467274178);
  }

  /** The parameters as generator.json records them. */
  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("formula", "score = mu + service + therapist + client + time*(delta + service_slope) "
        + "+ time*post*effect + e");
    m.put("effect_scale", "recorded: a treated course's last score is shifted so that its expected value within "
        + "the measure's range (scores are cut off at 0 and the maximum) moves by the planted effect");
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
