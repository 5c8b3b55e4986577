package uk.nhs.tto.variation;

import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.stats.Blup;
import uk.nhs.tto.subgroups.LevelCohorts;

/**
 * One service's results for one measure: its own unshrunken difference-in-differences (SPEC §5's model fitted to
 * its courses alone), the shrunken DiD predicted by the national change-score model ({@link ChangeScoreModel}), and
 * its random intercept in the national model (how far its scores sit above or below the national level, with the
 * conditional SD lme4's {@code ranef(condVar = TRUE)} gives). Any part may be null when it could not be computed;
 * {@link #note} says why.
 */
public record ServiceEffect(
    String domain,
    String measure,
    String service,
    LevelCohorts cohorts,
    DidEstimate unshrunken,
    ServiceDid shrunken,
    Blup level,
    String note) {}
