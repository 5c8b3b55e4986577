package uk.nhs.tto.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.testing.SparkExtension;

/**
 * SPEC §4 flags with PHQ-9 caseness 10, reliable change 6 and GAD-7 caseness 8, reliable change 4. Each case
 * lists (caseness, recovered, reliably improved, reliably deteriorated, reliably recovered).
 */
@ExtendWith(SparkExtension.class)
class OutcomeFlagsTest {

  private static final Thresholds NATIONAL = new Thresholds(10, 6, 8, 4);

  @Test
  void flagsFollowTheNationalDefinitionsAtEveryThreshold(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    Map<String, List<Boolean>> expected = new HashMap<>();
    // PHQ 10 -> 9, GAD 7 -> 7: PHQ exactly at caseness; both below at last -> recovered; changes -1, 0 -> neither.
    add(rows, expected, "at-threshold", true, 10, 9, 7, 7, true, true, false, false, false);
    // PHQ 9 -> 3, GAD 7 -> 3: not at caseness (9 < 10, 7 < 8); PHQ falls exactly 6 -> improved, not recovered.
    add(rows, expected, "improved-only", true, 9, 3, 7, 3, false, false, true, false, false);
    // PHQ 15 -> 9 falls 6, GAD 10 -> 14 rises 4: each cancels the other -> neither; GAD 14 >= 8 -> not recovered.
    add(rows, expected, "both-ways", true, 15, 9, 10, 14, true, false, false, false, false);
    // PHQ 4 -> 10 rises 6, GAD 3 -> 6 rises 3: deteriorated; not at caseness at first.
    add(rows, expected, "deteriorated", true, 4, 10, 3, 6, false, false, false, true, false);
    // PHQ 20 -> 15 falls 5 (< 6), GAD 12 -> 8 falls 4: improved by GAD; PHQ 15 and GAD 8 at last -> not recovered.
    add(rows, expected, "gad-falls", true, 20, 15, 12, 8, true, false, true, false, false);
    // PHQ 12 -> 7, GAD 9 -> 4: caseness; 7 < 10 and 4 < 8 -> recovered; GAD falls 5 -> improved -> both.
    add(rows, expected, "reliable-recovery", true, 12, 7, 9, 4, true, true, true, false, true);
    // PHQ 10 -> 10, GAD 8 -> 11 rises 3 (< 4): caseness, not recovered, no reliable change.
    add(rows, expected, "just-under-rise", true, 10, 10, 8, 11, true, false, false, false, false);
    // PHQ 5 -> 0 falls 5, GAD 2 -> 5 rises 3: both just under their thresholds -> nothing.
    add(rows, expected, "just-under-both", true, 5, 0, 2, 5, false, false, false, false, false);
    // Recovered without reliable improvement: PHQ 11 -> 9 (falls 2), GAD 8 -> 7 (falls 1).
    add(rows, expected, "recovered-only", true, 11, 9, 8, 7, true, true, false, false, false);
    // Not finished, or a pair missing: no flags at all.
    add(rows, expected, "not-finished", false, 20, 2, 15, 1, null, null, null, null, null);
    add(rows, expected, "gad-unpaired", true, 20, 2, null, null, null, null, null, null, null);
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("finished", DataTypes.BooleanType)
            .add("phq9_first", DataTypes.IntegerType)
            .add("phq9_last", DataTypes.IntegerType)
            .add("gad7_first", DataTypes.IntegerType)
            .add("gad7_last", DataTypes.IntegerType);

    Map<String, List<Boolean>> actual = new HashMap<>();
    OutcomeFlags.apply(spark.createDataFrame(rows, schema), NATIONAL).collectAsList()
        .forEach(r -> actual.put(r.getAs("id"), Arrays.asList(r.getAs("caseness"), r.getAs("recovered"),
            r.getAs("reliably_improved"), r.getAs("reliably_deteriorated"), r.getAs("reliably_recovered"))));
    assertThat(actual).isEqualTo(expected);
  }

  @SuppressWarnings("checkstyle:ParameterNumber")
  private static void add(List<Row> rows, Map<String, List<Boolean>> expected, String id, boolean finished,
      Integer phqFirst, Integer phqLast, Integer gadFirst, Integer gadLast, Boolean caseness, Boolean recovered,
      Boolean improved, Boolean deteriorated, Boolean reliablyRecovered) {
    rows.add(RowFactory.create(id, finished, phqFirst, phqLast, gadFirst, gadLast));
    expected.put(id, Arrays.asList(caseness, recovered, improved, deteriorated, reliablyRecovered));
  }
}
