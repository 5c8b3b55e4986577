package uk.nhs.tto.generate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * One synthetic service: its code, training (change) date and cohort window, size, random effects and
 * therapists. Plans are drawn up front from the seed, so each service can then be generated on its own thread.
 */
final class ServicePlan {

  /** Random-stream purposes, so that each part of the output has its own reproducible stream. */
  static final long STREAM_SIZES = 1;
  static final long STREAM_PLAN = 2;
  static final long STREAM_REFERRALS = 3;
  static final long STREAM_DEFECTS = 4;
  /** Whether each course responds: a stream of its own, so the referrals' stream is that of version 1's model. */
  static final long STREAM_RESPONSE = 5;

  private static final int DOMAINS = Domain.values().length;

  final int index;
  final String code;
  final LocalDate changeDate;
  final int windowMonths;
  final int washoutDays;
  final int changeDay;
  /** First day of the pre window, {@code C - W} (day clamped to the month's end). */
  final int preStartDay;
  /** First day after the post window, {@code C + W}. */
  final int postEndDay;
  final double sizeMultiplier;
  final double[] intercept = new double[DOMAINS];
  final double[] slope = new double[DOMAINS];
  final String[] therapistIds;
  final double[][] therapistEffect;
  final int[] highTherapists;
  final int[] lowTherapists;
  final double[] highWeights;
  final double[] lowWeights;

  private ServicePlan(GeneratorOptions o, int index, double sizeMultiplier) {
    Rng rng = Rng.of(o.seed(), index, STREAM_PLAN);
    this.index = index;
    this.code = serviceCode(index);
    this.sizeMultiplier = sizeMultiplier;

    LocalDate first = o.start().atDay(1);
    LocalDate endExclusive = o.end().plusMonths(1).atDay(1);
    long span = endExclusive.toEpochDay() - first.toEpochDay();
    // A training date between 40% and 60% of the way through, specific to the service.
    this.changeDate = first.plusDays(Math.round(span * (0.4 + 0.2 * rng.uniform())));
    int w = Math.max(1, o.months() / 2 - 1);
    while (w > 1 && (changeDate.minusMonths(w).isBefore(first) || changeDate.plusMonths(w).isAfter(endExclusive))) {
      w--;
    }
    this.windowMonths = w;
    // Most services have no washout; every sixth (T0003, T0009, ...) has 30 days, so every extract has some.
    this.washoutDays = index % 6 == 3 ? 30 : 0;
    this.changeDay = Days.of(changeDate);
    this.preStartDay = Days.of(changeDate.minusMonths(w));
    this.postEndDay = Days.of(changeDate.plusMonths(w));

    for (Domain d : Domain.values()) {
      double s = ScoreModel.scale(d);
      intercept[d.ordinal()] = rng.normal(0, ScoreModel.SD_SERVICE * s);
      slope[d.ordinal()] = rng.normal(0, ScoreModel.SD_SERVICE_SLOPE * s);
    }

    // About one therapist per 110 finished courses a year, 8 to 40 per service, half of them high intensity.
    int n = (int) Math.max(8, Math.min(40, Math.round(o.coursesPerServiceYear() * sizeMultiplier / 110)));
    int high = (n + 1) / 2;
    this.therapistIds = new String[n];
    this.therapistEffect = new double[n][DOMAINS];
    this.highTherapists = new int[high];
    this.lowTherapists = new int[n - high];
    double[] hw = new double[high];
    double[] lw = new double[n - high];
    for (int t = 0; t < n; t++) {
      therapistIds[t] = code + "-TH" + (t + 1 < 10 ? "00" : t + 1 < 100 ? "0" : "") + (t + 1);
      correlated(rng, therapistEffect[t], ScoreModel.SD_THERAPIST);
      // Part-time and full-time caseloads.
      double workload = 0.5 + rng.uniform();
      if (t < high) {
        highTherapists[t] = t;
        hw[t] = workload;
      } else {
        lowTherapists[t - high] = t;
        lw[t - high] = workload;
      }
    }
    this.highWeights = Rng.cumulative(hw);
    this.lowWeights = Rng.cumulative(lw);
  }

  /** Plans every service; sizes vary (log-normal) around the requested volume, which their mean keeps. */
  static List<ServicePlan> planAll(GeneratorOptions o) {
    Rng sizes = Rng.of(o.seed(), 0, STREAM_SIZES);
    double[] raw = new double[o.services()];
    double sum = 0;
    for (int i = 0; i < raw.length; i++) {
      raw[i] = Math.exp(sizes.normal(0, 0.35));
      sum += raw[i];
    }
    double mean = sum / raw.length;
    List<ServicePlan> plans = new ArrayList<>(raw.length);
    for (int i = 0; i < raw.length; i++) {
      plans.add(new ServicePlan(o, i + 1, raw[i] / mean));
    }
    return plans;
  }

  /** ODS-like provider code: {@code T0001}. */
  static String serviceCode(int index) {
    String digits = Integer.toString(index);
    return "T" + "0000".substring(digits.length()) + digits;
  }

  /** Fills {@code out} with per-domain effects sharing one latent factor (same SD on the PHQ-9 scale). */
  static void correlated(Rng rng, double[] out, double sdOnPhq9Scale) {
    double rho = ScoreModel.CROSS_DOMAIN_CORRELATION;
    double common = rng.gaussian();
    for (Domain d : Domain.values()) {
      double z = Math.sqrt(rho) * common + Math.sqrt(1 - rho) * rng.gaussian();
      out[d.ordinal()] = z * sdOnPhq9Scale * ScoreModel.scale(d);
    }
  }
}
