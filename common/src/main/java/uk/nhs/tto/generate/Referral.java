package uk.nhs.tto.generate;

import java.util.Arrays;

/**
 * One simulated referral (a course of treatment) with its whole timeline: person, complaints, contacts, care
 * activities and score records. Primitive arrays keep a service's open referrals small in memory.
 */
final class Referral {

  /** AppType codes (SPEC §1). */
  static final byte ASSESSMENT = 1;
  static final byte TREATMENT = 2;
  static final byte ASSESSMENT_AND_TREATMENT = 3;
  static final byte REVIEW = 4;
  static final byte ENABLING = 5;
  static final byte FOLLOW_UP = 6;

  /** Score record sources. */
  static final byte IDS606 = 6;
  static final byte IDS607 = 7;

  final long number;
  final int referralDay;
  int dischargeDay = Days.OPEN;
  /** A discharge date first submitted in error and corrected in the next month's submission, or -1. */
  int firstReportedDischargeDay = -1;
  String endCode;
  /** Last day on which this referral has something to submit (discharge, follow-up, or the correction). */
  int lastDay;

  int age;
  String gender;
  String ethnicity;
  /** 1–10, or 0 when not known. */
  int imdDecile;
  String[] complaints;
  boolean personality;

  int contacts;
  int[] contactDay = new int[16];
  /** Minutes after midnight, or -1 when the time is missing. */
  short[] contactTime = new short[16];
  byte[] appType = new byte[16];
  byte[] attend = new byte[16];
  short[] therapist = new short[16];
  long[] contactNo = new long[16];
  /** Index into the therapy-code list of the care activity of the contact, or -1 for none. */
  short[] activityCode = new short[16];
  long[] activityNo = new long[16];

  int scores;
  byte[] scoreSource = new byte[32];
  /** The contact of an IDS607 record, -1 for IDS606. */
  int[] scoreContact = new int[32];
  /** The occasion's day (the contact's day for IDS607, AssToolCompDate for IDS606). */
  int[] scoreDay = new int[32];
  /** Index into {@link Codebook#scoreCodes()}. */
  byte[] scoreCode = new byte[32];
  short[] scoreValue = new short[32];
  long[] scoreNo = new long[32];

  /** The tally of this referral as the SPEC will see it in the extract (set by the score planter). */
  Outcome outcome;

  Referral(long number, int referralDay) {
    this.number = number;
    this.referralDay = referralDay;
    this.lastDay = referralDay;
  }

  int addContact(int day, int minutes, byte type, byte attendCode, int therapistIndex, long no) {
    if (contacts == contactDay.length) {
      int n = contacts * 2;
      contactDay = Arrays.copyOf(contactDay, n);
      contactTime = Arrays.copyOf(contactTime, n);
      appType = Arrays.copyOf(appType, n);
      attend = Arrays.copyOf(attend, n);
      therapist = Arrays.copyOf(therapist, n);
      contactNo = Arrays.copyOf(contactNo, n);
      activityCode = Arrays.copyOf(activityCode, n);
      activityNo = Arrays.copyOf(activityNo, n);
    }
    int i = contacts++;
    contactDay[i] = day;
    contactTime[i] = (short) minutes;
    appType[i] = type;
    attend[i] = attendCode;
    therapist[i] = (short) therapistIndex;
    contactNo[i] = no;
    activityCode[i] = -1;
    lastDay = Math.max(lastDay, day);
    return i;
  }

  void addScore(byte source, int contact, int day, int code, int value, long no) {
    if (scores == scoreSource.length) {
      int n = scores * 2;
      scoreSource = Arrays.copyOf(scoreSource, n);
      scoreContact = Arrays.copyOf(scoreContact, n);
      scoreDay = Arrays.copyOf(scoreDay, n);
      scoreCode = Arrays.copyOf(scoreCode, n);
      scoreValue = Arrays.copyOf(scoreValue, n);
      scoreNo = Arrays.copyOf(scoreNo, n);
    }
    int i = scores++;
    scoreSource[i] = source;
    scoreContact[i] = contact;
    scoreDay[i] = day;
    scoreCode[i] = (byte) code;
    scoreValue[i] = (short) value;
    scoreNo[i] = no;
  }

  /** Attended (5 on time, 6 late but seen). */
  boolean attended(int contact) {
    return attend[contact] == 5 || attend[contact] == 6;
  }

  /** A treatment contact in the SPEC's sense: AppType 02, 03 or 05, attended. */
  boolean treatment(int contact) {
    byte t = appType[contact];
    return (t == TREATMENT || t == ASSESSMENT_AND_TREATMENT || t == ENABLING) && attended(contact);
  }

  /** The referral's rows belong in the submission of a month that it overlaps. */
  boolean inSubmission(int monthStart, int monthEnd) {
    return referralDay <= monthEnd && lastDay >= monthStart;
  }
}
