package uk.nhs.tto.variation;

import uk.nhs.tto.variation.FunnelLimits.Position;

/**
 * One service on one funnel plot: its rate (numerator over denominator), the national rate and the control limits
 * at its denominator, and where it lies. Raw counts (inside the lakehouse).
 */
public record FunnelPoint(
    String metric,
    String service,
    long numerator,
    long denominator,
    double national,
    double low95,
    double high95,
    double low998,
    double high998,
    Position position) {

  public double rate() {
    return (double) numerator / denominator;
  }
}
