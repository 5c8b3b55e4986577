package uk.nhs.tto.stats;

/**
 * A linear combination Lᵀβ of fixed effects: its estimate, SE, Satterthwaite df, t, p-value and t-based 95% CI
 * (lmerTest's {@code contest1D}).
 */
public record Contrast(double estimate, double se, double df, double t, double p, double ciLow, double ciHigh) {}
