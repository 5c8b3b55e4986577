package uk.nhs.tto.generate;

import java.util.Arrays;
import java.util.stream.Collectors;
import uk.nhs.tto.errors.TtoException;

/**
 * Named sizes of a synthetic extract. Volumes are calibrated (see the generator's tests and the README) so that:
 * {@code run-local} gives 2,400–3,000 high-intensity finished courses with a PHQ-9 pair in each of the pre and
 * post cohorts; {@code seed-study} reproduces the seed study's 2,434 pre and 2,358 post clients over 20
 * services; {@code national} is a year of England (≥ 600,000 finished courses, ≥ 30 million score rows).
 */
public enum Scale {
  RUN_LOCAL("run-local", 20, 24, 340, 0.023),
  SEED_STUDY("seed-study", 20, 36, 184, 0.01),
  NATIONAL("national", 150, 12, 4100, 0.005);

  private final String label;
  private final int services;
  private final int months;
  private final double coursesPerServiceYear;
  private final double monthlyGrowth;

  Scale(String label, int services, int months, double coursesPerServiceYear, double monthlyGrowth) {
    this.label = label;
    this.services = services;
    this.months = months;
    this.coursesPerServiceYear = coursesPerServiceYear;
    this.monthlyGrowth = monthlyGrowth;
  }

  public String label() {
    return label;
  }

  public int services() {
    return services;
  }

  public int months() {
    return months;
  }

  public double coursesPerServiceYear() {
    return coursesPerServiceYear;
  }

  public double monthlyGrowth() {
    return monthlyGrowth;
  }

  /** {@code run-local}, {@code seed-study} or {@code national}. */
  public static Scale byLabel(String label) {
    return Arrays.stream(values())
        .filter(s -> s.label.equalsIgnoreCase(label.trim()))
        .findFirst()
        .orElseThrow(() -> TtoException.of(
            "--scale is '" + label + "'",
            "the scales are " + Arrays.stream(values()).map(Scale::label).collect(Collectors.joining(", ")),
            "write e.g. --scale national"));
  }
}
