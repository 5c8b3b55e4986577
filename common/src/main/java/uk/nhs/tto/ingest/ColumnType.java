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
  SCORE;

  /**
   * Whether a non-empty, trimmed value parses as this type: INTEGER an optional minus and digits within the
   * range of a long; DATE {@code yyyy-MM-dd} naming a day that exists (2023-02-30 does not); TIME {@code HH:mm}
   * from 00:00 to 23:59. Hand-written rather than java.time parsing because ingest calls it for every typed
   * value of every row and exceptions are too slow to be the normal "no" answer.
   */
  public boolean accepts(String value) {
    switch (this) {
      case INTEGER:
        return isLong(value);
      case DATE:
        return isDate(value);
      case TIME:
        return isTime(value);
      default:
        return true;
    }
  }

  private static boolean isLong(String v) {
    int start = v.startsWith("-") ? 1 : 0;
    int n = v.length();
    if (n == start || n - start > 19) {
      return false;
    }
    for (int i = start; i < n; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    if (n - start < 19) {
      return true;
    }
    try {
      Long.parseLong(v);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isDate(String v) {
    if (v.length() != 10 || v.charAt(4) != '-' || v.charAt(7) != '-') {
      return false;
    }
    int year = digits(v, 0, 4);
    int month = digits(v, 5, 7);
    int day = digits(v, 8, 10);
    if (year < 0 || month < 1 || month > 12 || day < 1) {
      return false;
    }
    return day <= java.time.YearMonth.of(year, month).lengthOfMonth();
  }

  private static boolean isTime(String v) {
    if (v.length() != 5 || v.charAt(2) != ':') {
      return false;
    }
    int hours = digits(v, 0, 2);
    int minutes = digits(v, 3, 5);
    return hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59;
  }

  /** The number written by the digits in {@code [from, to)}, or -1 if any is not a digit. */
  private static int digits(String v, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
