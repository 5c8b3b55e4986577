package uk.nhs.tto.generate;

/**
 * Kinds of defective row that {@code --defects} adds. Each is an extra row (the clean data is unchanged), so
 * every one but {@link #DUPLICATE_ID} is quarantined by a SPEC §1 rule without touching any other row.
 */
public enum DefectKind {
  /** A date that does not parse as ISO: {@code 2023-02-30} or {@code 31/12/2023}. */
  BAD_DATE("bad_date"),
  /** {@code PersScore} that is not a number ({@code abc}). */
  NON_NUMERIC_SCORE("non_numeric_score"),
  /** {@code PersScore} outside the measure's range ({@code 99}, {@code -1}). */
  OUT_OF_RANGE_SCORE("out_of_range_score"),
  /** A contact, activity, complaint or score whose {@code PathwayID} matches no referral. */
  ORPHAN("orphan"),
  /** An exact copy of a row, so the file holds its key twice. */
  DUPLICATE_ID("duplicate_id"),
  /** A row whose {@code Unique_MonthID} is not its folder's month. */
  MONTH_MISMATCH("month_mismatch");

  private final String label;

  DefectKind(String label) {
    this.label = label;
  }

  /** The name generator.json counts it under. */
  public String label() {
    return label;
  }
}
