package uk.nhs.tto.ingest;

/** How a delivered (string) value of an IDS column must parse (SPEC §1); bronze keeps the string as delivered. */
public enum ColumnType {
  /** Free text or a code: always parses. */
  TEXT,
  /** A whole number (int or long). */
  INTEGER,
  /** An ISO calendar date, {@code yyyy-MM-dd}, that exists. */
  DATE,
  /** A clock time {@code HH:mm}. */
  TIME,
  /** A score as delivered; whether it is a number in range is a row rule checked after de-duplication. */
  SCORE
}
