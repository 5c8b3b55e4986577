package uk.nhs.tto.variation;

/**
 * One service's own difference-in-differences as the national change-score model predicts it (a BLUP, shrunken
 * towards the national value), with its prediction error.
 *
 * @param estimate β̂_cohort + v̂_post − v̂_pre: the national DiD plus the service's predicted deviation
 * @param se the prediction error SD (Henderson's PEV, including the uncertainty of β̂)
 * @param low estimate − 1.959964·se (95% prediction interval)
 * @param high estimate + 1.959964·se
 * @param deviation v̂_post − v̂_pre: the service's predicted departure from the national DiD
 * @param condSd the conditional SD of the deviation given β̂ (as lme4's {@code ranef(condVar = TRUE)} would give)
 */
public record ServiceDid(
    String service, double estimate, double se, double low, double high, double deviation, double condSd) {}
