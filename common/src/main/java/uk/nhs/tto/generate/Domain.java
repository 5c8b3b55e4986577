package uk.nhs.tto.generate;

import java.util.Arrays;
import java.util.Optional;

/** The four outcome domains of SPEC §2 as the generator scores them: one total, or several 0–8 items. */
public enum Domain {
  DEPRESSION("depression", 1, 27),
  ANXIETY("anxiety", 1, 21),
  SOCIAL_FUNCTIONING("social_functioning", 5, 8),
  PHOBIA("phobia", 3, 8);

  private final String label;
  private final int items;
  private final int itemMax;

  Domain(String label, int items, int itemMax) {
    this.label = label;
    this.items = items;
    this.itemMax = itemMax;
  }

  /** The name SPEC, the catalogue and {@code --effects} use ({@code social_functioning}). */
  public String label() {
    return label;
  }

  /** Codes scored per occasion: 1 for PHQ-9 and GAD-7, 5 for WSAS, 3 for the phobia scales. */
  public int items() {
    return items;
  }

  public int itemMax() {
    return itemMax;
  }

  /** The top of the total's valid range (27, 21, 40, 24). */
  public int totalMax() {
    return items * itemMax;
  }

  public static Optional<Domain> byName(String label) {
    return Arrays.stream(values()).filter(d -> d.label.equals(label)).findFirst();
  }
}
