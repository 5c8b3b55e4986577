package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.testing.SparkExtension;

/**
 * A delivered score (SPEC §1: {@code PersScore}, a whole number) is read as its value when it is an integer written
 * with or without a sign, leading zeros or a zero fraction, and as "not a number" (null, for the row rule) otherwise.
 */
@ExtendWith(SparkExtension.class)
class WholeNumberTest {

  @Test
  void readsIntegersWrittenInAnyOfTheirPlainForms(SparkSession spark) {
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("7", 7L);
    expected.put("0", 0L);
    expected.put("+7", 7L);
    expected.put("-3", -3L);
    expected.put("-0", 0L);
    expected.put("007", 7L);
    expected.put("7.0", 7L);
    expected.put("7.", 7L);
    expected.put("27.000", 27L);
    expected.put("-12.00", -12L);
    // Eighteen digits, the longest the rule accepts, keep every digit.
    expected.put("123456789012345678", 123456789012345678L);
    expected.put("-999999999999999999.0", -999999999999999999L);

    assertThat(read(spark, List.copyOf(expected.keySet()))).containsExactlyEntriesOf(expected);
  }

  @Test
  void findsNoNumberInFractionsExponentsSpacesOrText(SparkSession spark) {
    List<String> notWhole =
        List.of("7.5", "7.01", ".0", "", " 7", "7 ", "1e3", "0x1A", "seven", "7-", "++7", "+", "-", "7..0", "7,0",
            // Nineteen digits: longer than the rule's eighteen, whatever the value.
            "1234567890123456789", "0000000000000000007");

    Map<String, Long> read = read(spark, notWhole);

    assertThat(read).hasSize(notWhole.size());
    read.forEach((raw, value) -> assertThat(value).as("'%s'", raw).isNull());
  }

  @Test
  void aMissingScoreStaysMissing(SparkSession spark) {
    Map<String, Long> read = read(spark, Arrays.asList((String) null));

    assertThat(read).containsEntry(null, null);
  }

  /** Each text → what {@link Conform#wholeNumber} reads, computed by Spark. */
  private static Map<String, Long> read(SparkSession spark, List<String> raw) {
    List<Row> rows =
        spark.createDataset(raw, Encoders.STRING()).toDF("raw")
            .select(col("raw"), Conform.wholeNumber(col("raw")).as("value"))
            .collectAsList();
    Map<String, Long> out = new LinkedHashMap<>();
    rows.forEach(r -> out.put(r.getString(0), r.isNullAt(1) ? null : r.getLong(1)));
    return out;
  }
}
