package uk.nhs.tto.quality;

/**
 * The structural row rules of SPEC §1 that ingest applies before de-duplication: a row breaking one is unusable
 * and goes to {@code quarantine.<table>} (stage {@code ingest}) with the rule's {@link #id()}.
 *
 * <p>The contract also names {@code STRUCT_BAD_ENCODING} for a line that is not valid UTF-8 "if the file is not
 * refused whole"; SPEC §1 refuses such a file whole, so ingest never produces that rule.
 */
public enum StructuralRule {
  /** The line does not split into the header's columns (or a quoted value is not closed on its line). */
  STRUCT_COLUMN_COUNT,
  /** A key column of the table is empty. */
  STRUCT_KEY_MISSING,
  /** {@code Unique_MonthID} or {@code UniqueSubmissionID} is empty. */
  STRUCT_SUBMISSION_MISSING,
  /** An INTEGER column holds something other than a whole number. */
  STRUCT_BAD_INTEGER,
  /** A DATE column holds something other than a real {@code yyyy-MM-dd} date. */
  STRUCT_BAD_DATE,
  /** A TIME column holds something other than {@code HH:mm}. */
  STRUCT_BAD_TIME,
  /** {@code OrgID_Provider} or {@code Unique_MonthID} differs from the folder the file sits in. */
  STRUCT_FOLDER_MISMATCH;

  /** The stable id stored in {@code quarantine.*.rule}. */
  public String id() {
    return name();
  }
}
