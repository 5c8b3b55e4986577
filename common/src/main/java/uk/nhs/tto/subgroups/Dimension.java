package uk.nhs.tto.subgroups;

import java.util.Arrays;
import java.util.Locale;
import uk.nhs.tto.errors.TtoException;

/**
 * A way of dividing the courses of the evaluation into subgroups (issue 5's dimensions), each named as in
 * {@code tto.subgroups.dimensions} and read from a column of {@code gold.courses} (or, for severity, the
 * course's first score of the measure being modelled).
 */
public enum Dimension {
  PERSONALITY("personality", "Personality difficulty"),
  AGE_BAND("age_band", "Age band"),
  GENDER("gender", "Gender"),
  ETHNICITY("ethnicity", "Ethnic group"),
  DEPRIVATION("deprivation", "Deprivation (IMD quintile, 1 most deprived)"),
  INTENSITY("intensity", "Therapy intensity"),
  SEVERITY("severity", "Baseline severity (first score)"),
  SERVICE("service", "Service"),
  /** Not a subgroup: every course of the analysis, i.e. SPEC §5's national model, fitted in the same pass. */
  ALL("all", "All courses");

  private final String id;
  private final String label;

  Dimension(String id, String label) {
    this.id = id;
    this.label = label;
  }

  /** The name used in configuration and in {@code results.subgroups.dimension}. */
  public String id() {
    return id;
  }

  /** How a report heads the dimension. */
  public String label() {
    return label;
  }

  /** The dimension stored as {@code id} (including {@link #ALL}), e.g. in {@code results.subgroups}. */
  public static Dimension fromId(String id) {
    for (Dimension d : values()) {
      if (d.id.equals(id)) {
        return d;
      }
    }
    throw new IllegalArgumentException("Unknown subgroup dimension id: " + id);
  }

  /** The dimension configured as {@code id}, or an error listing the names. */
  public static Dimension of(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    for (Dimension d : values()) {
      if (d != ALL && d.id.equals(wanted)) {
        return d;
      }
    }
    throw TtoException.of(
        "Subgroup dimension '" + id.trim() + "' is not known",
        "the dimensions are " + String.join(", ", Arrays.stream(values()).filter(d -> d != ALL).map(Dimension::id)
            .toList()),
        "correct tto.subgroups.dimensions (a comma list of those names)");
  }
}
