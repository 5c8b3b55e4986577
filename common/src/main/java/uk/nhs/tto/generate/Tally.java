package uk.nhs.tto.generate;

import uk.nhs.tto.ingest.IdsTable;

/**
 * Counts of what one service (or, merged, the whole extract) wrote: rows, defects and courses as the SPEC sees
 * them.
 */
final class Tally {

  private static final int TABLES = IdsTable.values().length;
  private static final int COHORTS = Outcome.Cohort.values().length;

  final long[] rows = new long[TABLES];
  final long[][] defects = new long[TABLES][DefectKind.values().length];
  long files;
  long referrals;
  long discharged;
  long finished;
  long finishedHigh;
  long finishedWithPhq9Pair;
  long treatmentContactsOfFinished;
  long personality;
  final long[] cohortFinished = new long[COHORTS];
  final long[] cohortHigh = new long[COHORTS];
  final long[] cohortHighPhq9Pair = new long[COHORTS];

  /** Counts a referral that appeared in the extract. */
  void add(Referral r) {
    Outcome o = r.outcome;
    referrals++;
    if (r.personality) {
      personality++;
    }
    if (o.discharged) {
      discharged++;
    }
    if (!o.finished) {
      return;
    }
    finished++;
    treatmentContactsOfFinished += o.treatmentContacts;
    if (o.phq9Pair) {
      finishedWithPhq9Pair++;
    }
    int c = o.cohort.ordinal();
    cohortFinished[c]++;
    if (o.high) {
      finishedHigh++;
      cohortHigh[c]++;
      if (o.phq9Pair) {
        cohortHighPhq9Pair[c]++;
      }
    }
  }

  void merge(Tally t) {
    for (int i = 0; i < TABLES; i++) {
      rows[i] += t.rows[i];
      for (int k = 0; k < defects[i].length; k++) {
        defects[i][k] += t.defects[i][k];
      }
    }
    files += t.files;
    referrals += t.referrals;
    discharged += t.discharged;
    finished += t.finished;
    finishedHigh += t.finishedHigh;
    finishedWithPhq9Pair += t.finishedWithPhq9Pair;
    treatmentContactsOfFinished += t.treatmentContactsOfFinished;
    personality += t.personality;
    for (int c = 0; c < COHORTS; c++) {
      cohortFinished[c] += t.cohortFinished[c];
      cohortHigh[c] += t.cohortHigh[c];
      cohortHighPhq9Pair[c] += t.cohortHighPhq9Pair[c];
    }
  }
}
