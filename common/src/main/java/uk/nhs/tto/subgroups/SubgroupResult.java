package uk.nhs.tto.subgroups;

import java.util.List;
import uk.nhs.tto.variation.FunnelPoint;
import uk.nhs.tto.variation.ServiceEffect;

/**
 * Everything one run of the subgroup analyses produces: per-level estimates (including each measure's national
 * model, dimension {@code all}), the interaction and service-variation tests with their adjusted p-values, the
 * services' effects and the funnel plots' points, and where the time went.
 */
public record SubgroupResult(
    List<LevelEstimate> levels,
    List<InteractionTest> tests,
    List<ServiceEffect> services,
    List<FunnelPoint> funnels,
    Timings timings) {

  public SubgroupResult {
    levels = List.copyOf(levels);
    tests = List.copyOf(tests);
    services = List.copyOf(services);
    funnels = List.copyOf(funnels);
  }

  /**
   * Seconds spent: preparing the data and describing every level (one aggregation), building the subgroup models'
   * moments (one aggregation for every dimension but service, one for the services), fitting them on the driver,
   * the change-score models of service variation, and the funnels.
   */
  public record Timings(
      double describe, double aggregate, double fit, double variation, double funnels, double total) {}

  /** The test of one measure × dimension, if there is one. */
  public InteractionTest test(String measure, Dimension d) {
    return tests.stream().filter(t -> t.measure().equals(measure) && t.dimension() == d).findFirst().orElse(null);
  }

  /** The estimate of one level, if there is one. */
  public LevelEstimate level(String measure, Dimension d, String level) {
    return levels.stream()
        .filter(l -> l.measure().equals(measure) && l.dimension() == d && l.level().equals(level))
        .findFirst()
        .orElse(null);
  }
}
