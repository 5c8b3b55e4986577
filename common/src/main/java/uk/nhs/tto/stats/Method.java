package uk.nhs.tto.stats;

/** The likelihood a mixed model is fitted by. */
public enum Method {
  /** Restricted (residual) maximum likelihood: unbiased variance components; lme4's default. */
  REML,
  /** Maximum likelihood: comparable across fixed-effect structures (likelihood-ratio tests, AIC). */
  ML
}
