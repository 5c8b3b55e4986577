package uk.nhs.tto.pairs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One course's score pairs, worked out from its referral's window and its scores in plain Java (SPEC §3 as
 * {@link ScorePairs} states it). Spark hands it every score of one course at once, so no aggregation keyed by
 * course, measure, occasion and code is needed: one course's few dozen scores fit in small maps.
 *
 * <p>Strings are compared by code point, which is the byte order of their UTF-8 form and so the order Spark's
 * {@code min}/{@code max} of a struct use; dates are days since 1970-01-01.
 */
final class CourseScores implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Items a measure needs on one occasion for a total; a measure missing here has no totals. */
  private final Map<String, Integer> itemsNeeded;

  CourseScores(Map<String, Integer> itemsNeeded) {
    this.itemsNeeded = new HashMap<>(itemsNeeded);
  }

  /** A scored code as silver holds it, with its occasion key; {@code fromReferral}: IDS606, else IDS607. */
  record Score(
      String measure, String domain, String code, String recordId, Integer score, Integer day,
      boolean fromReferral, String time, String contact) {}

  /** A course's first and last valid total of one measure, over {@code n} occasions with a total. */
  record Pair(String measure, String domain, Occasion first, Occasion last, int n) {}

  /** When a score was taken, the key of an occasion: ordered by date, IDS606 first, time, then contact. */
  record When(int day, int source, String time, String contact) {

    int compareTo(When o) {
      int c = Integer.compare(day, o.day);
      if (c == 0) {
        c = Integer.compare(source, o.source);
      }
      if (c == 0) {
        c = byCodePoint(time, o.time);
      }
      return c != 0 ? c : byCodePoint(contact, o.contact);
    }
  }

  /** An occasion of one measure with its total. */
  record Occasion(When when, int total) {

    int day() {
      return when.day();
    }
  }

  /**
   * The pairs of a course whose referral ran from {@code referralDay} to {@code dischargeDay} (null while open),
   * from its {@code scores} in any order: only scores whose occasion lies in that window count, the greatest record
   * id of a code on an occasion stands (then the greater score), a measure has a total on an occasion when all its
   * items are scored there, and a pair needs totals on at least two occasions.
   */
  List<Pair> pairs(Integer referralDay, Integer dischargeDay, List<Score> scores) {
    if (referralDay == null) {
      return List.of();
    }
    // (measure, domain) → occasion → code → the score that stands
    Map<List<String>, Map<When, Map<String, Score>>> byMeasure = new LinkedHashMap<>();
    for (Score s : scores) {
      if (s.day() == null || s.day() < referralDay || (dischargeDay != null && s.day() > dischargeDay)) {
        continue;
      }
      When when = new When(s.day(), s.fromReferral() ? 0 : 1, s.time(), s.contact());
      byMeasure
          .computeIfAbsent(Arrays.asList(s.measure(), s.domain()), k -> new LinkedHashMap<>())
          .computeIfAbsent(when, k -> new HashMap<>())
          .merge(s.code(), s, CourseScores::standing);
    }
    List<Pair> out = new ArrayList<>();
    byMeasure.forEach((measure, occasions) -> {
      Integer needed = itemsNeeded.get(measure.get(0));
      if (needed == null) {
        return;
      }
      Occasion first = null;
      Occasion last = null;
      int n = 0;
      for (Map.Entry<When, Map<String, Score>> e : occasions.entrySet()) {
        Map<String, Score> items = e.getValue();
        if (items.size() != needed) {
          continue;
        }
        long total = 0;
        for (Score item : items.values()) {
          total += item.score() == null ? 0 : item.score();
        }
        Occasion o = new Occasion(e.getKey(), (int) total);
        n++;
        first = first == null || o.when().compareTo(first.when()) < 0 ? o : first;
        last = last == null || o.when().compareTo(last.when()) > 0 ? o : last;
      }
      if (n >= 2) {
        out.add(new Pair(measure.get(0), measure.get(1), first, last, n));
      }
    });
    return out;
  }

  /** Of two scores of one code on one occasion, the one that stands: the greater record id, then score. */
  private static Score standing(Score a, Score b) {
    int c = byCodePoint(a.recordId(), b.recordId());
    if (c == 0) {
      c = Integer.compare(a.score() == null ? Integer.MIN_VALUE : a.score(),
          b.score() == null ? Integer.MIN_VALUE : b.score());
    }
    return c >= 0 ? a : b;
  }

  /** Code-point order, null first (Spark's ascending order of strings). */
  static int byCodePoint(String a, String b) {
    if (Objects.equals(a, b)) {
      return 0;
    }
    if (a == null || b == null) {
      return a == null ? -1 : 1;
    }
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
