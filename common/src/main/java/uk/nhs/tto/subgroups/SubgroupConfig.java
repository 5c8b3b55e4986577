package uk.nhs.tto.subgroups;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;

/**
 * The subgroup analyses' configuration ({@code tto.subgroups.*}, documented in {@code conf/local.conf}), read in
 * one place: whether they run, which dimensions, the baseline severity bands per measure, and whether
 * personality difficulty comes from presenting complaints or from a screening measure's cut-off.
 *
 * @param severityBands measure (catalogue name, e.g. {@code PHQ9}) to its bands, lowest first
 * @param personalityMeasure a screening measure, or null to use {@code gold.courses.personality_difficulty}
 * @param personalityCutoff the screening score at or above which a course counts as personality difficulty
 */
public record SubgroupConfig(
    boolean enabled,
    List<Dimension> dimensions,
    Map<String, List<SeverityBand>> severityBands,
    String personalityMeasure,
    Double personalityCutoff) {

  public SubgroupConfig {
    dimensions = List.copyOf(dimensions);
    severityBands = Map.copyOf(severityBands);
  }

  /** Reads and checks the settings. */
  public static SubgroupConfig from(Settings settings) {
    List<Dimension> dims = new ArrayList<>();
    for (String part : settings.stringOr(Keys.SUBGROUPS_DIMENSIONS, "").split(",")) {
      if (!part.isBlank() && !dims.contains(Dimension.of(part))) {
        dims.add(Dimension.of(part));
      }
    }
    Map<String, List<SeverityBand>> bands = new LinkedHashMap<>();
    settings.withPrefix(Keys.SUBGROUPS_SEVERITY).forEach((measure, text) -> {
      if (!text.isBlank()) {
        bands.put(measure, SeverityBand.parseList(Keys.SUBGROUPS_SEVERITY + measure, text));
      }
    });
    String measure = settings.stringOr(Keys.SUBGROUPS_PERSONALITY_MEASURE, null);
    Double cutoff = null;
    if (measure != null) {
      if (!settings.has(Keys.SUBGROUPS_PERSONALITY_CUTOFF)) {
        throw TtoException.of(
            Keys.SUBGROUPS_PERSONALITY_MEASURE + " is '" + measure + "' but " + Keys.SUBGROUPS_PERSONALITY_CUTOFF
                + " is not set",
            "a screening measure identifies personality difficulty only at or above a cut-off",
            "set " + Keys.SUBGROUPS_PERSONALITY_CUTOFF + " (e.g. 7), or clear the measure to use presenting"
                + " complaints F60/F61");
      }
      cutoff = settings.number(Keys.SUBGROUPS_PERSONALITY_CUTOFF);
    }
    return new SubgroupConfig(settings.flag(Keys.SUBGROUPS_ENABLED), dims, bands, measure, cutoff);
  }

  /** The built-in defaults: every dimension, the default bands, personality from presenting complaints. */
  public static SubgroupConfig defaults() {
    return from(Settings.defaults());
  }

  /** The same configuration with other dimensions (e.g. for a focused run or a test). */
  public SubgroupConfig withDimensions(List<Dimension> dims) {
    return new SubgroupConfig(enabled, dims, severityBands, personalityMeasure, personalityCutoff);
  }

  public boolean has(Dimension d) {
    return dimensions.contains(d);
  }
}
