package uk.nhs.tto.ingest;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * {@code Unique_MonthID} as NHS England's data sets number months: month 1 is April 1900, so
 * {@code id = (year - 1900) * 12 + month - 3} (April 2019 is 1429).
 */
public final class MonthId {

  private MonthId() {}

  public static int of(YearMonth ym) {
    return (ym.getYear() - 1900) * 12 + ym.getMonthValue() - 3;
  }

  public static int of(LocalDate date) {
    return of(YearMonth.from(date));
  }

  public static YearMonth toYearMonth(int id) {
    int zeroBased = id + 2; // months since January 1900
    return YearMonth.of(1900 + Math.floorDiv(zeroBased, 12), Math.floorMod(zeroBased, 12) + 1);
  }

  /** The last day of the submission month: no date in that month's submission may lie after it. */
  public static LocalDate monthEnd(int id) {
    return toYearMonth(id).atEndOfMonth();
  }
}
