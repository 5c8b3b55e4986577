package uk.nhs.tto.stats;

/**
 * Where a fit spent its time: building the moments (the distributed scan and aggregation, including any level
 * discovery) and the driver-side optimisation and inference.
 */
public record Timing(double aggregateSeconds, double optimiseSeconds) {}
