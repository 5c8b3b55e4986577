package uk.nhs.tto.derive;

import uk.nhs.tto.testing.BronzeFixtures;

/**
 * The bronze fixture behind {@link DeriveTest}: a small national picture in which every course exercises one
 * SPEC rule, with the expected outcome worked out by hand next to it. Dates are 2024; month ids: 1488 March,
 * 1489 April (ends 30 Apr), 1491 June, 1492 July, 1493 August, 1494 September, 1495 October (ends 31 Oct),
 * 1497 December. Service S1 is in the cohort file (C = 2024-07-01, W = 3 months, washout 14 days, so pre =
 * discharged in [2024-04-01, 2024-07-01), post = first treatment on or after 2024-07-15 and discharged in
 * [2024-07-01, 2024-10-01)); S2 is not.
 */
final class DeriveScenario {

  static final String PHQ9 = "720433000";
  static final String GAD7 = "445455005";
  static final String[] WSAS = {
    "932621000000100", "932581000000100", "932611000000106", "932591000000103", "932601000000109"
  };
  static final String[] PHOBIA = {"PHOBIA_SOCIAL", "PHOBIA_AGORA", "PHOBIA_SPECIFIC"};
  static final String HIGH = "1127831000000106";
  static final String LOW = "1127281000000100";

  static final String COHORTS = "OrgID_Provider,ChangeDate,WindowMonths,WashoutDays\nS1,2024-07-01,3,14\n";

  private DeriveScenario() {}

  static BronzeFixtures build() {
    BronzeFixtures b = new BronzeFixtures();
    BronzeFixtures.Submission april = b.submission("S1", 1489);
    BronzeFixtures.Submission october = b.submission("S1", 1495);
    BronzeFixtures.Submission s1 = b.submission("S1", 1497);
    BronzeFixtures.Submission s1Again = b.submission("S1", 1497, 14971);
    BronzeFixtures.Submission s2 = b.submission("S2", 1497);

    // Persons. U01 is re-submitted: April says age 30, December 31 -> 31 wins. U99 lacks Age -> quarantined.
    april.person("U01", "30", "2", "A", "3");
    s1.person("U01", "31", "2", "A", "3")
        .person("U02", "16", "1", "D", "10")
        .person("U03", "15", "9", "H", "1")
        .person("U04", "66", "X", "M", null)
        .person("U05", "45", "2", "R", "4")
        .person("U06", "46", "1", "Z", "5")
        .person("U07", "65", "2", "99", "6")
        .person("U08", "25", "2", "N", "7")
        .person("U99", null, "1", "A", "2");

    // P01 — IDS606 and IDS607 on the same day are two occasions, IDS606 first; a missing time sorts first.
    s1.referral("P01", "U01", "2024-04-01", "2024-06-28", "46")
        .contact("K01a", "P01", "2024-04-10", "10:00", "02", "5", "TA")
        .contact("K01b", "P01", "2024-04-10", null, "02", "5", "TA")
        .activity("V011", "K01a", "P01", HIGH)
        .complaint("P01", "F60.3", "2024-04-02")
        .referralScore("R011", "P01", PHQ9, "20", "2024-04-10")
        .contactScore("A011", "P01", "K01a", PHQ9, "18")
        .contactScore("A012", "P01", "K01a", GAD7, "9")
        .contactScore("A013", "P01", "K01b", GAD7, "15");

    // P02 — therapist tie TA 2 : TB 2 goes to TB (first treatment 04-15 before TA's 04-20); AppType 03 and 05
    // with attendance 6 are treatment; PHQ-9 scored twice at K02c: record A29 > A100 in string order stands.
    s1.referral("P02", "U02", "2024-04-02", "2024-07-20", "46")
        .contact("K02a", "P02", "2024-04-20", "09:00", "02", "5", "TA")
        .contact("K02b", "P02", "2024-05-10", "09:00", "02", "5", "TA")
        .contact("K02c", "P02", "2024-04-15", "11:00", "03", "6", "TB")
        .contact("K02d", "P02", "2024-05-15", "11:00", "05", "5", "TB")
        .complaint("P02", "F32", "2024-04-02")
        .contactScore("A29", "P02", "K02c", PHQ9, "14")
        .contactScore("A100", "P02", "K02c", PHQ9, "16")
        .contactScore("A201", "P02", "K02d", PHQ9, "7")
        .referralScore("R021", "P02", GAD7, "10", "2024-04-15")
        .referralScore("R022", "P02", GAD7, "6", "2024-05-15");
    april.complaint("P02", "F32", "2024-04-02"); // superseded by December's copy

    // P03 — therapist tie on the same day: TB's contact has no time, so it is first. LOW intensity.
    s1.referral("P03", "U03", "2024-04-03", "2024-06-10", "46")
        .contact("K03a", "P03", "2024-04-16", "08:00", "02", "5", "TA")
        .contact("K03b", "P03", "2024-04-16", null, "02", "5", "TB")
        .activity("V031", "K03a", "P03", LOW)
        .complaint("P03", "f61", "2024-04-05");

    // P04 — same date and time: Unique_CareContactID in string order, "C10" before "C9" (therapist TB; PHQ-9
    // first is C10's 4, last C9's 12). LOW and HIGH activities -> HIGH.
    s1.referral("P04", "U04", "2024-04-03", "2024-06-11", "46")
        .contact("C9", "P04", "2024-04-17", "09:00", "02", "5", "TA")
        .contact("C10", "P04", "2024-04-17", "09:00", "02", "5", "TB")
        .activity("V041", "C9", "P04", LOW)
        .activity("V042", "C10", "P04", HIGH)
        .contactScore("A041", "P04", "C9", PHQ9, "12")
        .contactScore("A042", "P04", "C10", PHQ9, "4")
        .referralScore("R041", "P04", GAD7, "5", "2024-04-17")
        .referralScore("R042", "P04", GAD7, "5", "2024-06-01");

    // P05 — most treatment contacts wins (TA 3 over TB 2); TC's four assessment (01) contacts, TB's DNA (3) and
    // TA's follow-up (06) are not treatment. Scores at the DNA and follow-up contacts and outside the referral
    // (04-30 before it, 09-21 after it) are ignored. Unlisted therapy code -> no intensity.
    s1.referral("P05", "U05", "2024-05-01", "2024-09-20", "46")
        .contact("K05a", "P05", "2024-07-20", "10:00", "02", "5", "TA")
        .contact("K05b", "P05", "2024-08-01", "10:00", "02", "5", "TA")
        .contact("K05c", "P05", "2024-08-15", "10:00", "02", "5", "TA")
        .contact("K05d", "P05", "2024-07-16", "10:00", "02", "5", "TB")
        .contact("K05e", "P05", "2024-07-18", "10:00", "02", "5", "TB")
        .contact("K05f", "P05", "2024-07-17", "09:00", "01", "5", "TC")
        .contact("K05g", "P05", "2024-07-17", "10:00", "01", "5", "TC")
        .contact("K05h", "P05", "2024-07-17", "11:00", "01", "5", "TC")
        .contact("K05i", "P05", "2024-07-17", "12:00", "01", "5", "TC")
        .contact("K05j", "P05", "2024-07-17", "13:00", "02", "3", "TB")
        .contact("K05k", "P05", "2024-09-19", "10:00", "06", "5", "TA")
        .activity("V051", "K05a", "P05", "999000")
        .referralScore("R051", "P05", PHQ9, "15", "2024-07-16")
        .referralScore("R052", "P05", PHQ9, "9", "2024-09-15")
        .referralScore("R053", "P05", GAD7, "13", "2024-07-16")
        .referralScore("R054", "P05", GAD7, "9", "2024-09-15")
        .referralScore("R055", "P05", PHQ9, "0", "2024-09-21")
        .referralScore("R056", "P05", PHQ9, "27", "2024-04-30")
        .contactScore("A05X", "P05", "K05j", PHQ9, "27")
        .contactScore("A05Y", "P05", "K05k", PHQ9, "27");

    // P06 — first treatment 07-05 in the washout [07-01, 07-15).
    s1.referral("P06", "U06", "2024-06-20", "2024-09-01", "46")
        .contact("K06a", "P06", "2024-07-05", "10:00", "02", "5", "TA")
        .contact("K06b", "P06", "2024-08-01", "10:00", "02", "5", "TA");

    // P07 — discharged 03-15, before the window: outside.
    s1.referral("P07", "U07", "2024-01-05", "2024-03-15", "46")
        .contact("K07a", "P07", "2024-01-10", "10:00", "02", "5", "TA")
        .contact("K07b", "P07", "2024-02-10", "10:00", "02", "5", "TA");

    // P08 — open referral: not finished, no flags, no cohort; its pairs so far are kept.
    s1.referral("P08", "U08", "2024-05-01", null, null)
        .contact("K08a", "P08", "2024-05-10", "10:00", "02", "5", "TA")
        .contact("K08b", "P08", "2024-06-10", "10:00", "02", "5", "TA")
        .referralScore("R081", "P08", PHQ9, "15", "2024-05-10")
        .referralScore("R082", "P08", PHQ9, "10", "2024-06-10")
        .referralScore("R083", "P08", GAD7, "12", "2024-05-10")
        .referralScore("R084", "P08", GAD7, "7", "2024-06-10");

    // P09 — one treatment contact (the other is an assessment): not finished although discharged and paired.
    // U09 is not in IDS001MPI.
    s1.referral("P09", "U09", "2024-05-01", "2024-06-30", "46")
        .contact("K09a", "P09", "2024-05-10", "10:00", "02", "5", "TA")
        .contact("K09b", "P09", "2024-05-03", "10:00", "01", "5", "TA")
        .referralScore("R091", "P09", PHQ9, "20", "2024-05-03")
        .referralScore("R092", "P09", PHQ9, "5", "2024-06-20")
        .referralScore("R093", "P09", GAD7, "15", "2024-05-03")
        .referralScore("R094", "P09", GAD7, "3", "2024-06-20");

    // P10 — one valid PHQ-9 ("12.0", a whole number; R10 on 06-26 is after discharge): no PHQ-9 pair, so no
    // flags. WSAS: K10a 2+3+4+5+6 = 20, K10b 5×1 = 5, K10c only 4 items -> no total: pair 20 -> 5 over 2.
    // Phobia: K10a 4+5+6 = 15, K10b 3+2+1 = 6, K10c 2 of 3 items -> no total: pair 15 -> 6 over 2.
    s1.referral("P10", "U10", "2024-04-05", "2024-06-25", "46")
        .contact("K10a", "P10", "2024-04-10", "09:00", "02", "5", "TA")
        .contact("K10b", "P10", "2024-05-10", "09:00", "02", "5", "TA")
        .contact("K10c", "P10", "2024-06-10", "09:00", "02", "5", "TA")
        .contactScore("A10", "P10", "K10a", PHQ9, "12.0")
        .referralScore("R10", "P10", PHQ9, "3", "2024-06-26")
        .contactScore("A10g1", "P10", "K10a", GAD7, "10")
        .contactScore("A10g3", "P10", "K10c", GAD7, "4");
    String[] wsasA = {"2", "3", "4", "5", "6"};
    for (int i = 0; i < 5; i++) {
      s1.contactScore("W10a" + i, "P10", "K10a", WSAS[i], wsasA[i]);
      s1.contactScore("W10b" + i, "P10", "K10b", WSAS[i], "1");
      if (i < 4) {
        s1.contactScore("W10c" + i, "P10", "K10c", WSAS[i], "8");
      }
    }
    String[] phobiaA = {"4", "5", "6"};
    String[] phobiaB = {"3", "2", "1"};
    for (int i = 0; i < 3; i++) {
      s1.contactScore("F10a" + i, "P10", "K10a", PHOBIA[i], phobiaA[i]);
      s1.contactScore("F10b" + i, "P10", "K10b", PHOBIA[i], phobiaB[i]);
      if (i < 2) {
        s1.contactScore("F10c" + i, "P10", "K10c", PHOBIA[i], "1");
      }
    }

    // P11 — re-submitted: October says discharged 09-30 (that would be post), December 10-15 -> December wins,
    // discharged after the window: outside. Its contacts were only in October's submission and keep that row.
    october.referral("P11", "U11", "2024-05-01", "2024-09-30", "46")
        .contact("K11a", "P11", "2024-07-20", "10:00", "02", "5", "TA")
        .contact("K11b", "P11", "2024-08-20", "10:00", "02", "5", "TA");
    s1.referral("P11", "U11", "2024-05-01", "2024-10-15", "46");

    // P12 — two submissions in the same month: the higher UniqueSubmissionID (14971, discharged 08-31) wins.
    s1.referral("P12", "U12", "2024-05-01", null, null);
    s1Again.referral("P12", "U12", "2024-05-01", "2024-08-31", "46");

    // S2 (no cohort). P21: caseness by GAD-7 only (PHQ 8 -> 3, GAD 12 -> 5): recovered, reliably improved
    // (GAD falls 7 >= 4, nothing rises), reliably recovered. P22: PHQ 2 -> 9 rises 7 >= 6 while GAD 7 -> 2 falls
    // 5 >= 4: neither improved nor deteriorated; not at caseness (2 < 10, 7 < 8).
    s2.referral("P21", "U21", "2024-05-20", "2024-08-15", "46")
        .contact("KS1a", "P21", "2024-06-01", "10:00", "02", "5", "TB")
        .contact("KS1b", "P21", "2024-07-01", "10:00", "02", "5", "TB")
        .contactScore("S1a", "P21", "KS1a", PHQ9, "8")
        .contactScore("S1b", "P21", "KS1a", GAD7, "12")
        .contactScore("S1c", "P21", "KS1b", PHQ9, "3")
        .contactScore("S1d", "P21", "KS1b", GAD7, "5");
    s2.referral("P22", "U22", "2024-05-21", "2024-08-20", "46")
        .contact("KS2a", "P22", "2024-06-02", "10:00", "02", "5", "TB")
        .contact("KS2b", "P22", "2024-07-02", "10:00", "02", "5", "TB")
        .contactScore("S2a", "P22", "KS2a", PHQ9, "2")
        .contactScore("S2b", "P22", "KS2a", GAD7, "7")
        .contactScore("S2c", "P22", "KS2b", PHQ9, "9")
        .contactScore("S2d", "P22", "KS2b", GAD7, "2");

    // Rows each derive rule quarantines.
    s1.referral("PQ1", "U01", null, null, null) // ROW_REQUIRED_MISSING: ReferralRequestReceivedDate
        .contact("KQ1a", "PQ1", "2024-05-01", "10:00", "02", "5", "TA") // ROW_ORPHAN: its referral quarantined
        .referral("PQ2", "U01", "2024-05-01", "2024-06-01", null) // ROW_REQUIRED_MISSING: EndCode once discharged
        .referral("PQ4", "U01", "2024-05-10", "2024-05-01", "46") // ROW_DISCHARGE_BEFORE_REFERRAL
        .contact("KQ4", "P02", "2024-05-20", "10:00", null, "5", "TA") // ROW_REQUIRED_MISSING: AppType
        .activity("VQ10", "KX", "P01", HIGH) // ROW_ORPHAN: no such contact
        .activity("VQ11", "K01a", "P02", HIGH) // ROW_ORPHAN: the contact belongs to P01
        .complaint("PX", "F60", "2024-04-01") // ROW_ORPHAN: no such referral
        .referralScore("RQ5", "P01", PHQ9, "abc", "2024-04-20") // ROW_SCORE_NOT_NUMBER
        .referralScore("RQ5b", "P01", PHQ9, "7.5", "2024-04-20") // ROW_SCORE_NOT_NUMBER
        .referralScore("RQ6", "P01", PHQ9, "28", "2024-04-20") // ROW_SCORE_OUT_OF_RANGE (total 0-27)
        .referralScore("RQ7", "P01", WSAS[0], "9", "2024-04-20") // ROW_SCORE_OUT_OF_RANGE (item 0-8)
        .referralScore("RQ8", "P01", "999999", "3", "2024-04-20") // ROW_UNKNOWN_MEASURE
        .referralScore("RQ9", "PX", PHQ9, "5", "2024-04-20") // ROW_ORPHAN
        .referralScore("RQ10", "P01", PHQ9, null, "2024-04-20") // ROW_REQUIRED_MISSING: PersScore
        .contactScore("AQ11", "P02", "K01a", PHQ9, "5"); // ROW_ORPHAN: the contact belongs to P01
    april.referral("PQ5", "U01", "2024-05-02", null, null) // ROW_DATE_AFTER_MONTH (April ends 04-30)
        .contact("KQ3", "P01", "2024-05-05", "10:00", "02", "5", "TA"); // ROW_DATE_AFTER_MONTH
    s1.contactScore("AQ3", "P01", "KQ3", PHQ9, "5"); // ROW_ORPHAN: its contact was quarantined
    return b;
  }
}
