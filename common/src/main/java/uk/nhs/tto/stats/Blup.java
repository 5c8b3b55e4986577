package uk.nhs.tto.stats;

/**
 * The conditional mode of one group's random intercept and its conditional SD, as lme4's
 * {@code ranef(fit, condVar = TRUE)} gives them (variance parameters and β at their estimates).
 */
public record Blup(String group, double value, double condSd) {}
