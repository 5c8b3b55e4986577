package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Group and level labels are ordered as R orders factor levels: numbers numerically, other labels as strings. */
class LabelOrderTest {

  @Test
  void numbersAreOrderedNumericallyNotAsStrings() {
    assertThat(LabelOrder.sorted(List.of("10", "2", "1", "100", "-3", "2.5"), s -> s))
        .containsExactly("-3", "1", "2", "2.5", "10", "100");
  }

  @Test
  void otherLabelsAreOrderedAsStrings() {
    assertThat(LabelOrder.sorted(List.of("T10", "T2", "b", "A", "a1"), s -> s))
        .containsExactly("A", "T10", "T2", "a1", "b");
  }

  @Test
  void aLabelIsANumberExactlyWhenJavaReadsItAsOne() {
    for (String number : List.of("7", " 7 ", "+7", "-0.5", ".5", "5.", "1e5", "1E-3", "3f", "2d", "0x1p3", "NaN",
        "-Infinity")) {
      assertThat(LabelOrder.number(number)).as(number).isEqualTo(Double.valueOf(number));
    }
    for (String other : List.of("", "T7", "7a", "3fa", "e5", "1e", "0x1", "nan", "1,5", "1 5", "--1", "a3f9c2")) {
      assertThat(LabelOrder.number(other)).as(other).isNull();
    }
  }

  @Test
  void sortingByLabelGivesTheComparatorsOrder() {
    Random random = new Random(5);
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      labels.add(random.nextBoolean() ? Integer.toString(random.nextInt(1000))
          : Integer.toHexString(random.nextInt(1 << 20)));
    }
    List<String> expected = new ArrayList<>(labels);
    Collections.sort(expected, (a, b) -> {
      try {
        return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
      } catch (NumberFormatException e) {
        return a.compareTo(b);
      }
    });
    List<String> byComparator = new ArrayList<>(labels);
    byComparator.sort(LabelOrder.COMPARATOR);
    assertThat(LabelOrder.sorted(labels, s -> s)).isEqualTo(expected);
    assertThat(byComparator).isEqualTo(expected);
  }
}
