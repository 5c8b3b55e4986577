package uk.nhs.tto.generate;

import java.util.Arrays;

/**
 * Adds score records to a simulated referral so that the SPEC's first and last scores (§3) follow
 * {@link ScoreModel} with the planted effect, and works out how the SPEC will classify the course (§5).
 *
 * <p>Effects are planted on what the extract shows: occasions are the valid ones the SPEC will pair (inside the
 * extract's months, attended, not a follow-up, between referral and discharge), in the SPEC's order (by date,
 * IDS606 before IDS607 on the same day). Decoys that the SPEC's rules must set aside are added on purpose: a
 * second record of a measure with a smaller record id, scores at follow-ups and missed contacts, WSAS with one
 * item missing.
 *
 * <p>What a treated course in the post cohort with a pair of a domain cannot show (its expected last score is
 * nearer the floor than the effect; {@link ScoreModel#split}) is owed, and the service's next such course of the
 * same domain and personality subgroup is planted with its own effect plus what is owed. So a cohort's DiD is the
 * planted one however many of its courses sit near the floor, less at most what the service's last course could
 * not pay.
 */
final class ScorePlanter {

  private static final int DOMAINS = Domain.values().length;
  private static final double P_606_AT_REFERRAL = 0.3;
  private static final double P_606_AT_ASSESSMENT = 0.1;
  private static final double P_606_MEASURE = 0.97;
  /** Chance that a valid occasion scores each domain. */
  private static final double[] P_MEASURED = {0.95, 0.95, 0.55, 0.45};
  /** Chance that a multi-item measure misses one item (no total is formed). */
  private static final double[] P_INCOMPLETE = {0, 0, 0.05, 0.04};
  private static final double P_DUPLICATE = 0.01;
  private static final double P_SCORED_FOLLOW_UP = 0.9;
  private static final double P_SCORED_MISSED = 0.03;

  private final GeneratorOptions options;
  private final ServicePlan plan;
  private final Rng rng;
  /** One draw per referral: does the course respond (ScoreModel's mixture)? */
  private final Rng response;
  /** Effect the service's paired post courses could not show, per domain and personality subgroup (0 or 1). */
  private final double[] owed = new double[DOMAINS * 2];
  private final int dataFirstDay;
  private final int dataLastDay;
  private final int highCodes;
  private final int[] offset = new int[DOMAINS];
  private final ReferralFactory.Counters ids;

  // Per-referral working arrays, reused.
  private int occasions;
  private int[] occDay = new int[64];
  private byte[] occSource = new byte[64];
  private int[] occContact = new int[64];
  private byte[] state = new byte[64 * DOMAINS];
  private double[] value = new double[64 * DOMAINS];
  private final double[] client = new double[DOMAINS];
  private final double[] first = new double[DOMAINS];
  private final double[] last = new double[DOMAINS];
  private final int[] items = new int[8];

  private static final byte NONE = 0;
  private static final byte COMPLETE = 1;
  private static final byte INCOMPLETE = 2;
  /** Scored where the SPEC must not count it (follow-up, missed contact). */
  private static final byte INVALID = 3;

  ScorePlanter(GeneratorOptions options, ServicePlan plan, Rng rng, int dataFirstDay, int dataLastDay,
      ReferralFactory.Counters ids) {
    this.options = options;
    this.plan = plan;
    this.rng = rng;
    this.response = Rng.of(options.seed(), plan.index, ServicePlan.STREAM_RESPONSE);
    this.dataFirstDay = dataFirstDay;
    this.dataLastDay = dataLastDay;
    this.highCodes = options.codebook().highIntensityCodes().size();
    for (Domain d : Domain.values()) {
      offset[d.ordinal()] = options.codebook().offset(d);
    }
    this.ids = ids;
  }

  void plant(Referral r) {
    Outcome out = classify(r);
    r.outcome = out;
    occasions(r);
    int therapist = courseTherapist(r);
    ServicePlan.correlated(rng, client, ScoreModel.SD_CLIENT);
    double pResponder = r.personality ? ScoreModel.P_RESPONDER_PERSONALITY : ScoreModel.P_RESPONDER;
    boolean responder = response.uniform() < pResponder;
    for (Domain d : Domain.values()) {
      int k = d.ordinal();
      double s = ScoreModel.scale(d);
      double sd = ScoreModel.SD_RESIDUAL * s;
      double base = ScoreModel.mu(d) + (r.personality ? ScoreModel.PERSONALITY_SHIFT * s : 0)
          + plan.intercept[k] + plan.therapistEffect[therapist][k] + client[k];
      double share = out.high ? 1 : ScoreModel.LOW_INTENSITY_DELTA_SHARE;
      double responderChange = ScoreModel.responderChange(d) * share + plan.slope[k];
      double otherChange = ScoreModel.otherChange(d) * share + plan.slope[k];
      double change = responder ? responderChange : otherChange;
      int n = 0;
      for (int o = 0; o < occasions; o++) {
        if (state[o * DOMAINS + k] == COMPLETE) {
          n++;
        }
      }
      if (out.treatedAfterChange) {
        double effect = options.effects().get(d) * (r.personality ? options.personalityMultiplier() : 1);
        // Only a post course with a pair shows its effect in the analysis: only it pays and runs up what is owed.
        boolean counted = out.cohort == Outcome.Cohort.POST && n >= 2;
        int slot = k * 2 + (r.personality ? 1 : 0);
        ScoreModel.Moves moves = ScoreModel.split(effect + (counted ? owed[slot] : 0), pResponder,
            base + responderChange, base + otherChange, sd, d.totalMax());
        if (counted) {
          owed[slot] = moves.shortfall();
        }
        change += ScoreModel.latentShift(responder ? moves.responder() : moves.other(), base + change, sd,
            d.totalMax());
      }
      first[k] = base + rng.normal(0, sd);
      last[k] = base + change + rng.normal(0, sd);
      if (k == Domain.DEPRESSION.ordinal()) {
        out.phq9Pair = n >= 2;
      }
      int seen = 0;
      for (int o = 0; o < occasions; o++) {
        int at = o * DOMAINS + k;
        switch (state[at]) {
          case COMPLETE -> {
            double v;
            if (seen == 0) {
              v = first[k];
            } else if (seen == n - 1) {
              v = last[k];
            } else {
              v = first[k] + (last[k] - first[k]) * seen / (n - 1) + rng.normal(0, ScoreModel.SD_DRIFT * s);
            }
            value[at] = v;
            seen++;
          }
          case INCOMPLETE -> value[at] = (first[k] + last[k]) / 2 + rng.normal(0, ScoreModel.SD_DRIFT * s);
          case INVALID -> value[at] = occSource[o] == Referral.IDS607 && r.appType[occContact[o]] == Referral.FOLLOW_UP
              ? last[k] + rng.normal(1.5 * s, 3 * s)
              : first[k] + rng.normal(0, ScoreModel.SD_RESIDUAL * s);
          default -> { }
        }
      }
    }
    records(r);
  }

  /** The course as the SPEC will see it in the extract's months. */
  private Outcome classify(Referral r) {
    Outcome out = new Outcome();
    for (int c = 0; c < r.contacts; c++) {
      int day = r.contactDay[c];
      if (day < dataFirstDay || day > dataLastDay) {
        continue;
      }
      if (r.treatment(c)) {
        out.treatmentContacts++;
        out.firstTreatmentDay = Math.min(out.firstTreatmentDay, day);
      }
      if (r.activityCode[c] >= 0) {
        if (r.activityCode[c] < highCodes) {
          out.high = true;
        } else {
          out.low = true;
        }
      }
    }
    out.discharged = r.dischargeDay <= dataLastDay;
    out.finished = out.discharged && out.treatmentContacts >= 2;
    int washoutEnd = plan.changeDay + plan.washoutDays;
    boolean targeted = switch (options.effectTarget()) {
      case HIGH -> out.high;
      case LOW -> out.low && !out.high;
      case ALL -> out.high || out.low;
    };
    // Planted on every course treated wholly after the change (the post cohort is such courses discharged
    // within the window; later ones carry the effect too, as a trained service would).
    out.treatedAfterChange = targeted && out.firstTreatmentDay != Days.OPEN && out.firstTreatmentDay >= washoutEnd;
    if (out.finished) {
      int d = r.dischargeDay;
      int ft = out.firstTreatmentDay;
      if (d >= plan.preStartDay && d < plan.changeDay) {
        out.cohort = Outcome.Cohort.PRE;
      } else if (ft < plan.changeDay) {
        out.cohort = Outcome.Cohort.SPANNING;
      } else if (ft < washoutEnd) {
        out.cohort = Outcome.Cohort.WASHOUT;
      } else if (d < plan.postEndDay) {
        out.cohort = Outcome.Cohort.POST;
      } else {
        out.cohort = Outcome.Cohort.OUTSIDE;
      }
    }
    return out;
  }

  /** The course's therapist as SPEC §3 picks it: most treatment contacts, ties to the earliest. */
  private int courseTherapist(Referral r) {
    int best = -1;
    int bestCount = 0;
    for (int c = 0; c < r.contacts; c++) {
      if (!r.treatment(c) || r.contactDay[c] < dataFirstDay || r.contactDay[c] > dataLastDay) {
        continue;
      }
      int t = r.therapist[c];
      int count = 0;
      boolean earlier = false;
      for (int e = 0; e < r.contacts; e++) {
        if (r.treatment(e) && r.therapist[e] == t && r.contactDay[e] >= dataFirstDay
            && r.contactDay[e] <= dataLastDay) {
          count++;
          earlier |= e < c;
        }
      }
      // Contacts are in time order, so the first contact seen of each therapist is their earliest.
      if (!earlier && count > bestCount) {
        best = t;
        bestCount = count;
      }
    }
    return best >= 0 ? best : r.therapist[0];
  }

  /** Scored occasions in the SPEC's order, with which domains each one scores. */
  private void occasions(Referral r) {
    occasions = 0;
    int assessment = -1;
    for (int c = 0; c < r.contacts; c++) {
      if (r.appType[c] == Referral.ASSESSMENT && r.attended(c)) {
        assessment = c;
        break;
      }
    }
    if (rng.chance(P_606_AT_REFERRAL) && visible(r.referralDay)) {
      add606(r.referralDay);
    }
    boolean atAssessment = assessment >= 0 && rng.chance(P_606_AT_ASSESSMENT);
    for (int c = 0; c < r.contacts; c++) {
      int day = r.contactDay[c];
      if (!visible(day)) {
        continue;
      }
      if (c == assessment && atAssessment) {
        add606(day);
      }
      boolean valid = r.attended(c) && r.appType[c] != Referral.FOLLOW_UP && day <= r.dischargeDay;
      if (valid) {
        int o = add(day, Referral.IDS607, c);
        for (int k = 0; k < DOMAINS; k++) {
          if (rng.chance(P_MEASURED[k])) {
            state[o * DOMAINS + k] = rng.chance(P_INCOMPLETE[k]) ? INCOMPLETE : COMPLETE;
          }
        }
      } else if (r.appType[c] == Referral.FOLLOW_UP ? r.attended(c) && rng.chance(P_SCORED_FOLLOW_UP)
          : rng.chance(P_SCORED_MISSED)) {
        int o = add(day, Referral.IDS607, c);
        state[o * DOMAINS + Domain.DEPRESSION.ordinal()] = INVALID;
        state[o * DOMAINS + Domain.ANXIETY.ordinal()] = INVALID;
      }
    }
  }

  private void add606(int day) {
    int o = add(day, Referral.IDS606, -1);
    for (Domain d : new Domain[] {Domain.DEPRESSION, Domain.ANXIETY}) {
      if (rng.chance(P_606_MEASURE)) {
        state[o * DOMAINS + d.ordinal()] = COMPLETE;
      }
    }
  }

  private int add(int day, byte source, int contact) {
    if (occasions == occDay.length) {
      int n = occasions * 2;
      occDay = Arrays.copyOf(occDay, n);
      occSource = Arrays.copyOf(occSource, n);
      occContact = Arrays.copyOf(occContact, n);
      state = Arrays.copyOf(state, n * DOMAINS);
      value = Arrays.copyOf(value, n * DOMAINS);
    }
    int o = occasions++;
    occDay[o] = day;
    occSource[o] = source;
    occContact[o] = contact;
    for (int k = 0; k < DOMAINS; k++) {
      state[o * DOMAINS + k] = NONE;
    }
    return o;
  }

  private boolean visible(int day) {
    return day >= dataFirstDay && day <= dataLastDay;
  }

  /** Writes the score records, occasion by occasion, so record ids rise with time. */
  private void records(Referral r) {
    for (int o = 0; o < occasions; o++) {
      for (Domain d : Domain.values()) {
        int at = o * DOMAINS + d.ordinal();
        byte st = state[at];
        if (st == NONE) {
          continue;
        }
        int total = clamp((int) Math.round(value[at]), d.totalMax());
        split(total, d);
        int skip = st == INCOMPLETE ? rng.below(d.items()) : -1;
        for (int i = 0; i < d.items(); i++) {
          if (i == skip) {
            continue;
          }
          int code = offset[d.ordinal()] + i;
          if (occSource[o] == Referral.IDS607 && st == COMPLETE && rng.chance(P_DUPLICATE)) {
            // The same item scored twice on one contact: the record with the greater id stands (SPEC §3),
            // so the decoy takes the smaller one.
            int decoy = clamp(items[i] + (rng.chance(0.5) ? 1 : -1) * rng.between(2, 5), d.itemMax());
            if (decoy == items[i]) {
              decoy = items[i] == 0 ? d.itemMax() : 0;
            }
            addScore(r, o, code, decoy);
          }
          addScore(r, o, code, items[i]);
        }
      }
    }
  }

  private void addScore(Referral r, int o, int code, int v) {
    long no = occSource[o] == Referral.IDS606 ? ++ids.score606 : ++ids.score607;
    r.addScore(occSource[o], occContact[o], occDay[o], code, v, no);
  }

  /** Splits a total into the measure's items (each 0 to itemMax), keeping the sum. */
  private void split(int total, Domain d) {
    int n = d.items();
    if (n == 1) {
      items[0] = total;
      return;
    }
    int base = total / n;
    int rest = total % n;
    int startAt = rng.below(n);
    for (int i = 0; i < n; i++) {
      items[i] = base + ((i - startAt + n) % n < rest ? 1 : 0);
    }
    // Unequal items, as real questionnaires are: move points between items within their range.
    for (int step = 0; step < n; step++) {
      int from = rng.below(n);
      int to = rng.below(n);
      int move = Math.min(Math.min(items[from], d.itemMax() - items[to]), rng.between(0, 3));
      if (from != to && move > 0) {
        items[from] -= move;
        items[to] += move;
      }
    }
  }

  private static int clamp(int v, int max) {
    return v < 0 ? 0 : Math.min(v, max);
  }
}
