package uk.nhs.tto.pairs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-course rules of gold.score_pairs in plain Java; DeriveTest checks them end to end through Spark. */
class CourseScoresTest {

  private static final CourseScores RULES = new CourseScores(Map.of("PHQ-9", 1, "WSAS", 5));

  @Test
  void stringsAreOrderedAsTheirUtf8BytesAreAsSparkOrdersThem() {
    // U+FF21 is one UTF-16 unit above every surrogate, but its UTF-8 bytes sort below those of U+1F600.
    List<String> values = List.of("A", "a", "\uFF21", "\uD83D\uDE00", "ab", "", "a\uD83D\uDE00");
    for (String x : values) {
      for (String y : values) {
        int bytes = Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
        assertEquals(Integer.signum(bytes), Integer.signum(CourseScores.byCodePoint(x, y)), x + " vs " + y);
      }
    }
  }

  @Test
  void aPairIsTheFirstAndLastOccasionInsideTheReferralWindow() {
    // Referral from day 100 to day 200. Totals on days 90 (before: not valid), 100, 150 and 200, and 201 (after).
    List<CourseScores.Score> scores = List.of(
        phq(90, 20), phq(100, 18), phq(150, 12), phq(200, 7), phq(201, 3));
    List<CourseScores.Pair> pairs = RULES.pairs(100, 200, scores);
    assertEquals(1, pairs.size());
    CourseScores.Pair p = pairs.get(0);
    assertEquals(List.of(100, 18, 200, 7, 3), List.of(p.first().day(), p.first().total(), p.last().day(),
        p.last().total(), p.n()));
  }

  @Test
  void aMeasureScoredOnOnlyOneOccasionHasNoPair() {
    assertEquals(List.of(), RULES.pairs(100, null, List.of(phq(120, 15), phq(90, 10))));
  }

  private static CourseScores.Score phq(int day, int score) {
    return new CourseScores.Score("PHQ-9", "depression", "720433000", "r" + day, score, day, false, "", "c" + day);
  }
}
