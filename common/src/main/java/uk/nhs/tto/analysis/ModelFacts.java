package uk.nhs.tto.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a fitted model says about itself, apart from the estimate: variance components per grouping level
 * (named readably, e.g. {@code service}, {@code therapist}, {@code client}, plus {@code residual}), the number of
 * groups per level, observations used and dropped, convergence, boundary, optimiser iterations and the (RE)ML
 * criterion.
 */
public record ModelFacts(
    Map<String, Double> variances,
    Map<String, Long> groups,
    long nObs,
    long nDropped,
    boolean converged,
    boolean boundary,
    int iterations,
    double criterion) {

  /** The name under which {@link #variances()} holds the residual variance. */
  public static final String RESIDUAL = "residual";

  public ModelFacts {
    // Insertion order (outermost level first, residual last) is the order reports print.
    variances = Collections.unmodifiableMap(new LinkedHashMap<>(variances));
    groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
  }
}
