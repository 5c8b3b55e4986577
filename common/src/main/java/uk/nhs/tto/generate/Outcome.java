package uk.nhs.tto.generate;

/** What the SPEC will make of one referral in the extract (§3 and §5): the generator plants effects by it. */
final class Outcome {

  /** SPEC §5 cohort of a finished course; {@code NONE} for a referral that is not a finished course. */
  enum Cohort {
    PRE,
    POST,
    SPANNING,
    WASHOUT,
    OUTSIDE,
    NONE
  }

  int treatmentContacts;
  /** Day of the first attended treatment contact in the extract, or {@link Days#OPEN} for none. */
  int firstTreatmentDay = Days.OPEN;
  boolean discharged;
  boolean finished;
  boolean high;
  boolean low;
  Cohort cohort = Cohort.NONE;
  /** The planted time-by-cohort effect applies to this course's last scores. */
  boolean treatedAfterChange;
  /** Valid PHQ-9 scores on two or more occasions. */
  boolean phq9Pair;
}
