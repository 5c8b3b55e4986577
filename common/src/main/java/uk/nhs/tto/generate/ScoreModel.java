package uk.nhs.tto.generate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data-generating model for first and last scores, per domain:
 * {@code score = mu + service + therapist + client + time*(change + serviceSlope) + time*post*effect + e}, where a
 * course's {@code change} is a responder's large fall or another course's small one.
 *
 * <p>Routine Talking Therapies data are a mixture: about half of the courses that start at caseness end below it
 * (recovery about 50%, reliable improvement about two thirds, reliable deterioration about 5% in NHS England's
 * annual reports), while the rest change little. A single normal change cannot give that: with the seed study's
 * mean change, it recovered one course in five. So each course is a responder (PHQ-9 falls by 11 points on
 * average) with probability {@link #P_RESPONDER}, shared by all its domains, or else falls by about a point;
 * clients with personality difficulties respond less often ({@link #P_RESPONDER_PERSONALITY}) and start higher.
 * Client and residual SDs give a first-last correlation of about 0.5 on PHQ-9. Starting means put about 93% of
 * finished courses at caseness.
 *
 * <p>Scores are recorded rounded and cut off at the measure's range, so a shift on the unbounded scale moves a
 * recorded score near 0 by less than itself, and a responder expected to end at PHQ-9 2 cannot fall 2.53 more. The
 * effect is therefore planted where it is recorded, on expectations: a treated course's expected recorded last
 * score (responder or not, before its response is drawn) moves by the planted effect, split by {@link #split} so
 * that both kinds of course move the same share of the way to the floor, and each kind's latent score is shifted
 * by {@link #latentShift} to move its own expected recorded value by its share.
 */
final class ScoreModel {

  /** SDs on the PHQ-9 (0–27) scale; multiplied by {@link #scale(Domain)} for the other measures. */
  static final double SD_SERVICE = 1.3;
  static final double SD_THERAPIST = 0.8;
  static final double SD_CLIENT = 4.0;
  static final double SD_RESIDUAL = 2.8;
  static final double SD_SERVICE_SLOPE = 0.5;
  /** Noise around the straight line from first to last for scores in between. */
  static final double SD_DRIFT = 1.5;
  /** A client's severity is shared across domains with this correlation (so is a therapist's effect). */
  static final double CROSS_DOMAIN_CORRELATION = 0.5;
  /** Clients with personality difficulties (F60/F61) start this much higher. */
  static final double PERSONALITY_SHIFT = 1.5;
  /** Low-intensity courses change by this share of a high-intensity course's change (either kind). */
  static final double LOW_INTENSITY_DELTA_SHARE = 0.8;
  /** Chance that a course is a responder (all its domains together). */
  static final double P_RESPONDER = 0.60;
  /** The same for clients with personality difficulties (F60/F61), who do less well. */
  static final double P_RESPONDER_PERSONALITY = 0.45;
  /** Changes with the model: generator.json records it, and run-local regenerates extracts of another version. */
  static final int VERSION = 2;

  private ScoreModel() {}

  /** Mean first score: PHQ-9 ~13, GAD-7 ~11, WSAS ~20, phobia ~10 (most clients start at caseness). */
  static double mu(Domain d) {
    return switch (d) {
      case DEPRESSION -> 13.0;
      case ANXIETY -> 11.0;
      case SOCIAL_FUNCTIONING -> 20.0;
      case PHOBIA -> 10.0;
    };
  }

  /** Mean change from first to last score of a responder's high-intensity course before any planted effect. */
  static double responderChange(Domain d) {
    return switch (d) {
      case DEPRESSION -> -11.0;
      case ANXIETY -> -9.5;
      case SOCIAL_FUNCTIONING -> -10.0;
      case PHOBIA -> -4.5;
    };
  }

  /** Mean change of a course that does not respond. */
  static double otherChange(Domain d) {
    return switch (d) {
      case DEPRESSION -> -1.0;
      case ANXIETY -> -0.5;
      case SOCIAL_FUNCTIONING -> -1.0;
      case PHOBIA -> 0.0;
    };
  }

  /**
   * Mean change (before clamping) of a high-intensity course with no planted effect, for a client without
   * personality difficulties: PHQ-9 -7.0, GAD-7 -5.9, WSAS -6.4, phobia -2.7.
   */
  static double delta(Domain d) {
    return P_RESPONDER * responderChange(d) + (1 - P_RESPONDER) * otherChange(d);
  }

  /** The measure's range relative to PHQ-9's 27 points. */
  static double scale(Domain d) {
    return d.totalMax() / 27.0;
  }

  /**
   * How a planted effect on a course's expected recorded last score is shared between its two possible kinds.
   *
   * @param target the move of the course's expected recorded last score (the planted effect, plus any owed)
   * @param pResponder the course's chance of being a responder
   * @param responderMean a responder's expected latent last score
   * @param otherMean the same for a course that does not respond
   * @return each kind's move of its own expected recorded last score, and the part of {@code target} that no move
   *     can show (the course's expected last score is closer to the bound than {@code target})
   */
  static Moves split(double target, double pResponder, double responderMean, double otherMean, double sd,
      double top) {
    if (target == 0) {
      return new Moves(0, 0, 0);
    }
    // Each kind moves as far as latentShift can take it at most: its latent mean four SDs past the bound.
    double limit = expectedClamped(target < 0 ? -4 * sd : top + 4 * sd, sd, top);
    double roomResponder = limit - expectedClamped(responderMean, sd, top);
    double roomOther = limit - expectedClamped(otherMean, sd, top);
    double room = pResponder * roomResponder + (1 - pResponder) * roomOther;
    // Both kinds go the same share of their way to the bound; all the way when the course cannot show it all.
    double share = room == 0 ? 1 : Math.min(1, target / room);
    return new Moves(share * roomResponder, share * roomOther, target - share * room);
  }

  /** Moves of a responder's and another course's expected recorded last score, and what neither could show. */
  record Moves(double responder, double other, double shortfall) {}

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
    m.put("version", VERSION);
    m.put("formula", "score = mu + service + therapist + client + time*(change + service_slope) "
        + "+ time*post*effect + e; change is a responder's or another course's");
    m.put("response", GenerationSummary.ordered(
        "p_responder", P_RESPONDER,
        "p_responder_personality", P_RESPONDER_PERSONALITY,
        "shared_by", "all domains of a course"));
    m.put("effect_scale", "recorded: a treated course's expected last score within the measure's range (scores "
        + "are cut off at 0 and the maximum), over its chance of responding, moves by the planted effect; what a "
        + "post course with a pair cannot show near the floor is owed to the service's next such course");
    m.put("sd_on_phq9_scale", GenerationSummary.ordered(
        "service", SD_SERVICE, "therapist", SD_THERAPIST, "client", SD_CLIENT, "residual", SD_RESIDUAL,
        "service_slope", SD_SERVICE_SLOPE, "drift", SD_DRIFT));
    m.put("cross_domain_correlation", CROSS_DOMAIN_CORRELATION);
    m.put("personality_shift_on_phq9_scale", PERSONALITY_SHIFT);
    m.put("low_intensity_delta_share", LOW_INTENSITY_DELTA_SHARE);
    Map<String, Object> perDomain = new LinkedHashMap<>();
    for (Domain d : Domain.values()) {
      perDomain.put(d.label(), GenerationSummary.ordered("mu", mu(d), "responder_change", responderChange(d),
          "other_change", otherChange(d), "delta", delta(d), "scale", scale(d)));
    }
    m.put("domains", perDomain);
    return m;
  }
}
