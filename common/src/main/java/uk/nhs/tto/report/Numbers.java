package uk.nhs.tto.report;

import java.util.Locale;

/** How numbers are written for people (typographic minus, fixed decimals) and for machines (plain). */
public final class Numbers {

  private static final char MINUS = '\u2212';

  private Numbers() {}

  /** {@code -2.534} → {@code −2.53}: for reports read by people. */
  public static String display(double x, int decimals) {
    String s = String.format(Locale.ROOT, "%." + decimals + "f", x);
    if (s.matches("-0\\.?0*")) {
      s = s.substring(1);
    }
    return s.replace('-', MINUS);
  }

  /** {@code -2.5341} with {@code decimals} places and an ASCII minus: for CSV and other machine-read text. */
  public static String plain(double x, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", x);
  }

  /** A p-value as journals print it: {@code <0.001} or three decimals. */
  public static String p(double p) {
    return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", p);
  }
}
