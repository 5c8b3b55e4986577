package uk.nhs.tto.analysis;

/**
 * The difference-in-differences of one domain: the {@code time:cohort} coefficient of SPEC §5's model with its
 * standard error, Wald and Satterthwaite 95% intervals, Satterthwaite degrees of freedom, t and p.
 */
public record DidEstimate(
    double estimate,
    double se,
    double waldLow,
    double waldHigh,
    double satLow,
    double satHigh,
    double df,
    double t,
    double p) {}
