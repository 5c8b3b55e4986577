package uk.nhs.tto.analysis;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** SPEC §2's domains and measures as people read them, and the order results are shown in. */
public final class Domains {

  /** SPEC §2's domains in the seed study's order; catalogue additions follow, alphabetically. */
  public static final List<String> ORDER = List.of("depression", "anxiety", "social_functioning", "phobia");

  /** The measure of each of SPEC §2's domains in the default catalogue. */
  public static final Map<String, String> MEASURES =
      Map.of("depression", "PHQ9", "anxiety", "GAD7", "social_functioning", "WSAS", "phobia", "PHOBIA");

  private static final Map<String, String> MEASURE_LABELS =
      Map.of("PHQ9", "PHQ-9", "GAD7", "GAD-7", "WSAS", "WSAS", "PHOBIA", "IAPT phobia scales");

  /** Orders results by {@link #ORDER}, then by domain and measure name. */
  public static final Comparator<DomainResult> BY_DOMAIN =
      Comparator.comparingInt((DomainResult r) -> rank(r.domain()))
          .thenComparing(DomainResult::domain)
          .thenComparing(DomainResult::measure);

  private Domains() {}

  /** {@code social_functioning} → {@code Social functioning}. */
  public static String label(String domain) {
    String s = domain.replace('_', ' ');
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  /** {@code PHQ9} → {@code PHQ-9}; a measure added to the catalogue keeps its own name. */
  public static String measureLabel(String measure) {
    return MEASURE_LABELS.getOrDefault(measure, measure);
  }

  private static int rank(String domain) {
    int i = ORDER.indexOf(domain);
    return i < 0 ? ORDER.size() : i;
  }
}
