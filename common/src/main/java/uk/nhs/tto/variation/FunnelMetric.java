package uk.nhs.tto.variation;

/**
 * A rate compared between services on a funnel plot (SPEC §4's national definitions, over each service's
 * finished courses in {@code gold.courses}).
 */
public enum FunnelMetric {
  RECOVERY("recovery_rate", "Recovery rate", "recovered", "finished courses at caseness"),
  RELIABLE_IMPROVEMENT(
      "reliable_improvement_rate", "Reliable improvement rate", "reliably improved", "finished courses");

  private final String id;
  private final String label;
  private final String numeratorLabel;
  private final String denominatorLabel;

  FunnelMetric(String id, String label, String numeratorLabel, String denominatorLabel) {
    this.id = id;
    this.label = label;
    this.numeratorLabel = numeratorLabel;
    this.denominatorLabel = denominatorLabel;
  }

  /** The name in {@code results.service_variation.metric} (as {@code gold.key_metrics} names the rate). */
  public String id() {
    return id;
  }

  public String label() {
    return label;
  }

  public String numeratorLabel() {
    return numeratorLabel;
  }

  /** What the rate is over: the funnel's horizontal axis. */
  public String denominatorLabel() {
    return denominatorLabel;
  }
}
