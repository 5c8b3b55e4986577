package uk.nhs.tto.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnTypeTest {

  @ParameterizedTest
  @ValueSource(strings = {"0", "1489", "-3", "9223372036854775807", "-9223372036854775808", "007"})
  void integersAreWholeNumbersWithinALong(String value) {
    assertThat(ColumnType.INTEGER.accepts(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1e3", "+5", "-", "12a", "9223372036854775808", "1 000", "٣"})
  void otherTextIsNotAnInteger(String value) {
    assertThat(ColumnType.INTEGER.accepts(value)).isFalse();
  }

  /* 2024 is a leap year (divisible by 4, not by 100); 2000 is (divisible by 400); 1900 is not. */
  @ParameterizedTest
  @ValueSource(strings = {"2023-04-01", "2024-02-29", "2000-02-29", "2023-12-31", "1999-01-31"})
  void datesAreRealDaysWrittenIsoStyle(String value) {
    assertThat(ColumnType.DATE.accepts(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"2023-02-30", "2023-02-29", "1900-02-29", "2023-04-31", "2023-13-01", "2023-00-10", "2023-01-00",
          "31/12/2023", "2023-4-1", "2023-04-01T00:00", "20230401", "2023/04/01"})
  void otherTextIsNotADate(String value) {
    assertThat(ColumnType.DATE.accepts(value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"00:00", "09:30", "23:59"})
  void timesAreHoursAndMinutes(String value) {
    assertThat(ColumnType.TIME.accepts(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"24:00", "12:60", "9:30", "09:30:00", "0930", "ab:cd"})
  void otherTextIsNotATime(String value) {
    assertThat(ColumnType.TIME.accepts(value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "99", "-1", "12.5"})
  void scoresAndTextAreNotCheckedAtIngest(String value) {
    assertThat(ColumnType.SCORE.accepts(value)).isTrue();
    assertThat(ColumnType.TEXT.accepts(value)).isTrue();
  }
}
