package uk.nhs.tto.subgroups;

import java.util.ArrayList;
import java.util.List;
import uk.nhs.tto.errors.TtoException;

/**
 * A baseline severity band of one measure: first scores from {@code low} to {@code high} inclusive, labelled as
 * configured (e.g. {@code 10-14}).
 */
public record SeverityBand(double low, double high) {

  /** The band as written in configuration and shown in reports, e.g. {@code 10-14}. */
  public String label() {
    return format(low) + "-" + format(high);
  }

  /** Parses {@code 0-9,10-14,…}: ascending, non-overlapping inclusive ranges. */
  static List<SeverityBand> parseList(String key, String text) {
    List<SeverityBand> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String[] ends = part.trim().split("-");
      SeverityBand band;
      try {
        if (ends.length != 2) {
          throw new NumberFormatException(part);
        }
        band = new SeverityBand(Double.parseDouble(ends[0].trim()), Double.parseDouble(ends[1].trim()));
      } catch (NumberFormatException e) {
        throw TtoException.of(
            key + " has the band '" + part.trim() + "'",
            "a band is two scores joined by '-', lowest first (inclusive)",
            "write e.g. " + key + " = 0-9,10-14,15-19,20-27");
      }
      if (band.high < band.low || !out.isEmpty() && band.low <= out.get(out.size() - 1).high) {
        throw TtoException.of(
            key + " has the band '" + part.trim() + "' out of order",
            "bands must ascend without overlapping, so each score belongs to at most one",
            "write e.g. " + key + " = 0-9,10-14,15-19,20-27");
      }
      out.add(band);
    }
    return out;
  }

  private static String format(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
