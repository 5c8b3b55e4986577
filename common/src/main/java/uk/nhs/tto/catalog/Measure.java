package uk.nhs.tto.catalog;

import java.util.List;

/**
 * One scored measure of the catalogue (SPEC §2): either a single-code total (PHQ-9, GAD-7) or a multi-item
 * measure whose total exists only when every one of its item codes is scored on the same occasion.
 *
 * @param name measure id used in gold tables ({@code PHQ9}, {@code WSAS})
 * @param domain outcome domain ({@code depression}, {@code social_functioning})
 * @param kind whether each code is the total or one item
 * @param codes the CodedAssToolType codes, in catalogue order (one for a total)
 * @param itemMin lowest valid item score (equals totalMin for a total)
 * @param itemMax highest valid item score (equals totalMax for a total)
 * @param totalMin lowest valid total
 * @param totalMax highest valid total
 * @param caseness caseness threshold, or null when the measure has none
 * @param casenessRule how the threshold applies ({@code total} or {@code any_item}), or null
 * @param reliableChange reliable change index, or null when the measure has none
 */
public record Measure(
    String name,
    String domain,
    Kind kind,
    List<String> codes,
    int itemMin,
    int itemMax,
    int totalMin,
    int totalMax,
    Integer caseness,
    String casenessRule,
    Integer reliableChange) {

  /** Whether a catalogue code is a measure's total or one of its items. */
  public enum Kind {
    TOTAL,
    ITEM
  }

  public Measure {
    codes = List.copyOf(codes);
  }

  /** How many codes must be scored on one occasion for the measure to have a total there. */
  public int itemsNeeded() {
    return codes.size();
  }

  /** Lowest valid score of one delivered code of this measure. */
  public int codeMin() {
    return kind == Kind.ITEM ? itemMin : totalMin;
  }

  /** Highest valid score of one delivered code of this measure. */
  public int codeMax() {
    return kind == Kind.ITEM ? itemMax : totalMax;
  }
}
