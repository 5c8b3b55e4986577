package uk.nhs.tto.generate;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Dates as epoch-day ints, the generator's working form, with their ISO text encoded once: formatting dates in
 * the hot loop of tens of millions of rows would cost more than generating them.
 */
final class Days {

  /** A discharge that has not happened (the referral is open). */
  static final int OPEN = Integer.MAX_VALUE;

  private final int first;
  private final byte[][] iso;

  /** Caches the ISO text of every day in {@code [first, last]}. */
  Days(int first, int last) {
    this.first = first;
    this.iso = new byte[last - first + 1][];
    for (int d = first; d <= last; d++) {
      iso[d - first] = LocalDate.ofEpochDay(d).toString().getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** {@code yyyy-MM-dd} of a day. */
  byte[] iso(int day) {
    int i = day - first;
    return i >= 0 && i < iso.length
        ? iso[i]
        : LocalDate.ofEpochDay(day).toString().getBytes(StandardCharsets.US_ASCII);
  }

  static int of(LocalDate date) {
    return Math.toIntExact(date.toEpochDay());
  }

  static LocalDate date(int day) {
    return LocalDate.ofEpochDay(day);
  }

  /** Saturday or Sunday (1970-01-01, day 0, was a Thursday). */
  static boolean weekend(int day) {
    return Math.floorMod(day + 3, 7) >= 5;
  }

  /** The day itself if it is a weekday, else the Monday after: services see clients on working days. */
  static int workday(int day) {
    int dow = Math.floorMod(day + 3, 7);
    return dow == 5 ? day + 2 : dow == 6 ? day + 1 : day;
  }
}
