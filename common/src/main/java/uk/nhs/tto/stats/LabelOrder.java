package uk.nhs.tto.stats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The order of group and level labels in results: as R orders the levels of a factor made from numbers
 * (numerically: "2" before "10") or from strings (alphabetically). Two labels that both read as numbers compare
 * as numbers; any other pair compares as strings.
 *
 * <p>Whether a label is a number is decided by the grammar {@link Double#valueOf(String)} documents, not by
 * catching its exception: a national model sorts the BLUPs of 5,000 therapists whose labels are not numbers, and
 * an exception per comparison once took half the fitting time of a run's subgroup models. {@link #sorted} reads
 * each label once.
 */
public final class LabelOrder {

  /** {@link Double#valueOf(String)}'s grammar, as its Javadoc gives it. */
  private static final Pattern NUMBER;

  static {
    String digits = "(\\p{Digit}+)";
    String hexDigits = "(\\p{XDigit}+)";
    String exp = "[eE][+-]?" + digits;
    NUMBER = Pattern.compile("[\\x00-\\x20]*[+-]?(NaN|Infinity|(((" + digits + "(\\.)?(" + digits + "?)(" + exp
        + ")?)|(\\.(" + digits + ")(" + exp + ")?)|(((0[xX]" + hexDigits + "(\\.)?)|(0[xX]" + hexDigits
        + "?(\\.)" + hexDigits + "))[pP][+-]?" + digits + "))[fFdD]?))[\\x00-\\x20]*");
  }

  /** Compares two labels (reading each as a number on every call; {@link #sorted} reads each once). */
  public static final Comparator<String> COMPARATOR = (a, b) -> compare(a, number(a), b, number(b));

  private LabelOrder() {}

  /** {@code items} in the order of their labels. */
  public static <T> List<T> sorted(Collection<T> items, Function<? super T, String> label) {
    record Keyed<T>(T item, String label, Double number) {}
    List<Keyed<T>> keyed = new ArrayList<>(items.size());
    for (T item : items) {
      String l = label.apply(item);
      keyed.add(new Keyed<>(item, l, number(l)));
    }
    keyed.sort((x, y) -> compare(x.label(), x.number(), y.label(), y.number()));
    List<T> out = new ArrayList<>(keyed.size());
    keyed.forEach(k -> out.add(k.item()));
    return out;
  }

  /** The label as a number, or null when it is not one. */
  static Double number(String label) {
    return NUMBER.matcher(label).matches() ? Double.valueOf(label) : null;
  }

  private static int compare(String a, Double na, String b, Double nb) {
    return na != null && nb != null ? Double.compare(na, nb) : a.compareTo(b);
  }
}
