package uk.nhs.tto.stats;

/** The variance and standard deviation of one random intercept (group named as lme4 names it). */
public record VarianceComponent(String group, double variance, double sd) {}
