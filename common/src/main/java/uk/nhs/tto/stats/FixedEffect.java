package uk.nhs.tto.stats;

/**
 * One fixed-effect coefficient with its standard error, Satterthwaite degrees of freedom, t statistic, p-value and
 * 95% confidence intervals: t-based with Satterthwaite df ({@code ciLow}, {@code ciHigh}, as lmerTest) and Wald
 * (estimate ± 1.959963985·SE).
 */
public record FixedEffect(
    String term,
    double estimate,
    double se,
    double df,
    double t,
    double p,
    double ciLow,
    double ciHigh,
    double waldLow,
    double waldHigh) {}
