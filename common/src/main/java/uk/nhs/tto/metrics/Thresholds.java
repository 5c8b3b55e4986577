package uk.nhs.tto.metrics;

import uk.nhs.tto.catalog.Measure;
import uk.nhs.tto.catalog.MeasureCatalog;
import uk.nhs.tto.errors.TtoException;

/**
 * The PHQ-9 and GAD-7 caseness thresholds and reliable-change indices the national key metrics use (SPEC §4),
 * taken from the measure catalogue so that the catalogue stays the one place they are written.
 */
public record Thresholds(int phq9Caseness, int phq9ReliableChange, int gad7Caseness, int gad7ReliableChange) {

  /** Measure id of PHQ-9 in the catalogue and gold tables. */
  public static final String PHQ9 = "PHQ9";

  /** Measure id of GAD-7 in the catalogue and gold tables. */
  public static final String GAD7 = "GAD7";

  /** Reads both measures' thresholds; a catalogue without them cannot give national metrics. */
  public static Thresholds from(MeasureCatalog catalogue) {
    Measure phq9 = complete(catalogue.require(PHQ9, "the national key metrics (SPEC §4)"));
    Measure gad7 = complete(catalogue.require(GAD7, "the national key metrics (SPEC §4)"));
    return new Thresholds(phq9.caseness(), phq9.reliableChange(), gad7.caseness(), gad7.reliableChange());
  }

  private static Measure complete(Measure m) {
    if (m.caseness() == null || m.reliableChange() == null || !"total".equals(m.casenessRule())) {
      throw TtoException.of(
          "Measure " + m.name() + " in the measure catalogue lacks its caseness threshold, caseness_rule total,"
              + " or reliable change",
          "the national key metrics need all three (SPEC §2, §4)",
          "restore them in conf/measures.csv");
    }
    return m;
  }
}
