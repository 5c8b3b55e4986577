package uk.nhs.tto.generate;

/**
 * Simulates the pathway of one referral in a service: who is referred, when they are assessed, whether and how
 * they are treated (intensity, sessions roughly weekly or fortnightly, missed appointments, drop-out), when they
 * are discharged and why. Scores are added afterwards by {@link ScorePlanter}, which needs the whole timeline.
 */
final class ReferralFactory {

  // Person (England-like shares; NHS TT clients are mostly women and young to middle-aged adults).
  private static final int[][] AGE_BANDS = {{16, 17}, {18, 25}, {26, 35}, {36, 45}, {46, 55}, {56, 65}, {66, 75},
      {76, 90}};
  private static final double[] AGE_WEIGHTS = Rng.cumulative(2, 20, 25, 19, 16, 11, 5, 2);
  private static final String[] GENDERS = {"1", "2", "9", "X"};
  private static final double[] GENDER_WEIGHTS = Rng.cumulative(34, 64, 0.5, 1.5);
  private static final String[] ETHNICITIES = {"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N",
      "P", "R", "S", "Z", "99"};
  private static final double[] ETHNICITY_WEIGHTS = Rng.cumulative(
      72, 1, 7, 1, 0.5, 0.7, 0.8, 2.5, 2.5, 1, 1.5, 1.2, 2.2, 0.5, 0.4, 1.5, 3, 1.7);
  /** IMD deciles 1 (most deprived) to 10: referrals lean towards deprived areas. */
  private static final double[] IMD_WEIGHTS = Rng.cumulative(12, 11.5, 11, 10.5, 10, 9.5, 9, 9, 8.5, 8);

  // Presenting complaints (ICD-10).
  private static final String[] COMPLAINTS = {"F32.0", "F32.1", "F32.2", "F32.9", "F33.0", "F33.1", "F33.9",
      "F41.1", "F41.0", "F41.2", "F40.0", "F40.1", "F40.2", "F43.1", "F42.2", "F45.2", "F43.2"};
  private static final double[] COMPLAINT_WEIGHTS = Rng.cumulative(
      4, 10, 4, 6, 2, 5, 2, 18, 6, 14, 2, 4, 2, 7, 4, 4, 3);
  private static final String[] PERSONALITY = {"F60.3", "F60.6", "F60.5", "F60.9", "F61"};
  private static final double[] PERSONALITY_WEIGHTS = Rng.cumulative(5, 2, 1, 2, 2);
  private static final double P_PERSONALITY = 0.12;
  private static final double P_SECOND_COMPLAINT = 0.3;

  // Pathway.
  private static final double P_NOT_ASSESSED = 0.08;
  private static final double P_NOT_SUITABLE = 0.17;
  private static final double P_HIGH = 0.42;
  private static final double P_STEP_UP = 0.07;
  private static final double P_COMBINED_FIRST_SESSION = 0.1;
  private static final double P_DROP_OUT = 0.25;
  private static final double P_ATTEND = 0.88;
  private static final double P_LATE = 0.08;
  private static final byte[] NOT_SEEN = {2, 3, 4, 7};
  private static final double[] NOT_SEEN_WEIGHTS = Rng.cumulative(30, 45, 20, 5);
  private static final double P_ENABLING = 0.05;
  private static final double P_REVIEW = 0.05;
  private static final double P_COVER = 0.08;
  private static final double P_FOLLOW_UP = 0.1;
  private static final double P_MISSING_TIME = 0.04;
  private static final double P_DISCHARGE_CORRECTED = 0.02;
  private static final String[] NOT_SUITABLE_CODES = {"10", "11", "12", "13", "14"};
  private static final double[] NOT_SUITABLE_WEIGHTS = Rng.cumulative(20, 35, 20, 15, 10);

  private final ServicePlan plan;
  private final Rng rng;
  private final int highCodes;
  private final double[] highCodeWeights;
  private final double[] lowCodeWeights;
  private final int dataLastDay;
  private final Counters ids;

  ReferralFactory(ServicePlan plan, Codebook codebook, Rng rng, int dataLastDay, Counters ids) {
    this.plan = plan;
    this.rng = rng;
    this.highCodes = codebook.highIntensityCodes().size();
    // The first code of each list (CBT, guided self-help) is the most common, as in practice.
    this.highCodeWeights = Rng.cumulative(declining(highCodes));
    this.lowCodeWeights = Rng.cumulative(declining(codebook.lowIntensityCodes().size()));
    this.dataLastDay = dataLastDay;
    this.ids = ids;
  }

  /** Record-id counters of one service (ids are the service code, a table prefix and a counter). */
  static final class Counters {
    long contact;
    long activity;
    long score606;
    long score607;
  }

  Referral create(long number, int referralDay) {
    Referral r = new Referral(number, referralDay);
    person(r);
    complaints(r);
    pathway(r);
    if (r.dischargeDay != Days.OPEN && r.dischargeDay <= dataLastDay && rng.chance(P_DISCHARGE_CORRECTED)) {
      correction(r);
    }
    return r;
  }

  private void person(Referral r) {
    int[] band = AGE_BANDS[rng.pick(AGE_WEIGHTS)];
    r.age = rng.between(band[0], band[1]);
    r.gender = GENDERS[rng.pick(GENDER_WEIGHTS)];
    r.ethnicity = ETHNICITIES[rng.pick(ETHNICITY_WEIGHTS)];
    r.imdDecile = rng.chance(0.03) ? 0 : rng.pick(IMD_WEIGHTS) + 1;
  }

  private void complaints(Referral r) {
    String primary = COMPLAINTS[rng.pick(COMPLAINT_WEIGHTS)];
    if (rng.chance(P_PERSONALITY)) {
      r.personality = true;
      r.complaints = new String[] {primary, PERSONALITY[rng.pick(PERSONALITY_WEIGHTS)]};
    } else if (rng.chance(P_SECOND_COMPLAINT)) {
      String second = primary;
      while (second.equals(primary)) {
        second = COMPLAINTS[rng.pick(COMPLAINT_WEIGHTS)];
      }
      r.complaints = new String[] {primary, second};
    } else {
      r.complaints = new String[] {primary};
    }
  }

  private void pathway(Referral r) {
    double route = rng.uniform();
    int assessor = pickTherapist(false);
    int day = Days.workday(r.referralDay + 3 + (int) rng.exponential(14));
    if (route < P_NOT_ASSESSED) {
      // One or two missed assessments, then discharged without being seen.
      int misses = rng.between(1, 2);
      for (int i = 0; i < misses; i++) {
        r.addContact(day, time(), Referral.ASSESSMENT, notSeen(), assessor, ++ids.contact);
        day = Days.workday(day + rng.between(7, 14));
      }
      discharge(r, r.contactDay[r.contacts - 1] + rng.between(14, 28), "50");
      return;
    }
    if (rng.chance(0.1)) {
      r.addContact(day, time(), Referral.ASSESSMENT, notSeen(), assessor, ++ids.contact);
      day = Days.workday(day + rng.between(7, 14));
    }
    if (route < P_NOT_ASSESSED + P_NOT_SUITABLE) {
      r.addContact(day, time(), Referral.ASSESSMENT, seen(), assessor, ++ids.contact);
      discharge(r, day + rng.between(0, 14), NOT_SUITABLE_CODES[rng.pick(NOT_SUITABLE_WEIGHTS)]);
      return;
    }
    treatment(r, day, assessor);
  }

  private void treatment(Referral r, int assessmentDay, int assessor) {
    boolean high = rng.chance(P_HIGH);
    boolean stepUp = !high && rng.chance(P_STEP_UP);
    int therapist = pickTherapist(high);
    int code = high ? highCode() : lowCode();
    // Planned sessions: about 6 low-intensity, 9 high-intensity (a stepped-up course adds a high-intensity block).
    int planned = high ? 4 + rng.poisson(5) : 3 + rng.poisson(3.5);
    int steppedAt = stepUp ? planned : Integer.MAX_VALUE;
    if (stepUp) {
      planned += 5 + rng.poisson(5);
    }
    boolean dropOut = rng.chance(P_DROP_OUT);
    int target = dropOut ? rng.between(1, Math.max(1, planned - 1)) : planned;

    int attended = 0;
    int day = assessmentDay;
    if (!high && rng.chance(P_COMBINED_FIRST_SESSION)) {
      // Assessment and first low-intensity session in one appointment (AppType 03).
      int c = r.addContact(day, time(), Referral.ASSESSMENT_AND_TREATMENT, seen(), therapist, ++ids.contact);
      activity(r, c, code);
      attended = 1;
    } else {
      r.addContact(day, time(), Referral.ASSESSMENT, seen(), assessor, ++ids.contact);
    }
    // Waiting for treatment: longer for high intensity.
    day = Days.workday(day + (high ? 21 + (int) rng.exponential(30) : 10 + (int) rng.exponential(14)));

    boolean cover = false;
    boolean reviewed = false;
    int missedInRow = 0;
    boolean highBlock = false;
    while (attended < target) {
      if (!highBlock && attended >= steppedAt) {
        // Stepping up: a high-intensity therapist and therapy take over after a short wait.
        highBlock = true;
        therapist = pickTherapist(true);
        code = highCode();
        day = Days.workday(day + 14 + (int) rng.exponential(21));
      }
      int who = therapist;
      if (!cover && attended >= 1 && target >= 3 && rng.chance(P_COVER)) {
        // One session with a colleague covering; the course's therapist keeps most sessions.
        cover = true;
        who = otherTherapist(therapist, high || highBlock);
      }
      if (rng.chance(P_ATTEND)) {
        byte type = !high && !highBlock && rng.chance(P_ENABLING) ? Referral.ENABLING : Referral.TREATMENT;
        int c = r.addContact(day, time(), type, seen(), who, ++ids.contact);
        activity(r, c, code);
        attended++;
        missedInRow = 0;
      } else {
        r.addContact(day, time(), Referral.TREATMENT, notSeen(), who, ++ids.contact);
        if (++missedInRow == 3) {
          break;
        }
      }
      day = Days.workday(day + gap(high || highBlock));
      if (!reviewed && high && attended == target / 2 && attended > 2 && rng.chance(P_REVIEW)) {
        reviewed = true;
        r.addContact(day, time(), Referral.REVIEW, seen(), therapist, ++ids.contact);
        day = Days.workday(day + 7);
      }
    }
    boolean completed = attended >= target;
    int last = r.contactDay[r.contacts - 1];
    discharge(r, last + rng.between(0, 14), completed ? "46" : rng.chance(0.2) ? "48" : "47");
    if (completed && attended >= 2 && rng.chance(P_FOLLOW_UP)) {
      int followUp = Days.workday(r.dischargeDay + rng.between(28, 90));
      r.addContact(followUp, time(), Referral.FOLLOW_UP, rng.chance(0.8) ? seen() : notSeen(), therapist,
          ++ids.contact);
    }
  }

  private void activity(Referral r, int contact, int code) {
    r.activityCode[contact] = (short) code;
    r.activityNo[contact] = ++ids.activity;
  }

  private void discharge(Referral r, int day, String endCode) {
    r.dischargeDay = Days.workday(day);
    r.endCode = endCode;
    r.lastDay = Math.max(r.lastDay, r.dischargeDay);
  }

  /**
   * The discharge date is first submitted a few days out and put right in the next month's submission, the
   * row that wins (SPEC §1): the true date is the one every effect is planted on.
   */
  private void correction(Referral r) {
    int monthEnd = Days.of(Days.date(r.dischargeDay).withDayOfMonth(1).plusMonths(1)) - 1;
    if (monthEnd + 1 > dataLastDay) {
      return;
    }
    int shift = rng.between(1, 7);
    int wrong = r.dischargeDay - shift >= r.referralDay ? r.dischargeDay - shift : r.dischargeDay + shift;
    if (wrong > monthEnd || wrong == r.dischargeDay) {
      return;
    }
    r.firstReportedDischargeDay = wrong;
    r.lastDay = Math.max(r.lastDay, monthEnd + 1);
  }

  private int gap(boolean high) {
    double u = rng.uniform();
    if (high) {
      return u < 0.7 ? 7 : u < 0.97 ? 14 : 21;
    }
    return u < 0.7 ? 7 : 14;
  }

  private int time() {
    return rng.chance(P_MISSING_TIME) ? -1 : 480 + 30 * rng.below(22);
  }

  private byte seen() {
    return rng.chance(P_LATE) ? (byte) 6 : (byte) 5;
  }

  private byte notSeen() {
    return NOT_SEEN[rng.pick(NOT_SEEN_WEIGHTS)];
  }

  private int pickTherapist(boolean high) {
    return high ? plan.highTherapists[rng.pick(plan.highWeights)] : plan.lowTherapists[rng.pick(plan.lowWeights)];
  }

  private int otherTherapist(int therapist, boolean high) {
    int[] pool = high ? plan.highTherapists : plan.lowTherapists;
    int other = pool[rng.below(pool.length)];
    return other == therapist ? pool[(indexOf(pool, therapist) + 1) % pool.length] : other;
  }

  private static int indexOf(int[] pool, int value) {
    for (int i = 0; i < pool.length; i++) {
      if (pool[i] == value) {
        return i;
      }
    }
    return 0;
  }

  /** Therapy-code index: high-intensity codes first, then low-intensity ones (see {@link MonthWriter}). */
  private int highCode() {
    return rng.pick(highCodeWeights);
  }

  private int lowCode() {
    return highCodes + rng.pick(lowCodeWeights);
  }

  private static double[] declining(int n) {
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = i == 0 ? n : 1.0;
    }
    return w;
  }
}
