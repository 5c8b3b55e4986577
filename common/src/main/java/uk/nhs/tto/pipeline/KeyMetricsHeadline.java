package uk.nhs.tto.pipeline;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.disclosure.Disclosure;
import uk.nhs.tto.metrics.KeyMetrics;
import uk.nhs.tto.report.TextTable;

/**
 * The headline key-metrics table that {@code run-local} and {@code nightly} print: the national row and one row
 * per evaluation cohort of gold.key_metrics, disclosure-controlled (SPEC §6): cohort counts rounded to 5 and
 * rates as whole percentages; the national row exact with rates to one decimal.
 */
public final class KeyMetricsHeadline {

  /** Cohorts in the order analysts read them. */
  static final List<String> COHORT_ORDER = List.of("pre", "post", "spanning", "washout", "outside");

  private KeyMetricsHeadline() {}

  /** Builds the table from gold.key_metrics rows (only a handful: national and cohort levels are read). */
  public static TextTable of(Dataset<Row> keyMetrics, Disclosure sdc) {
    List<Row> rows =
        keyMetrics
            .where(col("level").isin(KeyMetrics.NATIONAL, KeyMetrics.COHORT))
            .select("level", "cohort", "finished", "at_caseness", "recovered", "reliably_improved",
                "reliably_deteriorated", "reliably_recovered")
            .collectAsList();
    TextTable table =
        new TextTable("cohort", "finished", "at caseness", "recovery", "reliable improvement",
            "reliable deterioration", "reliable recovery");
    List<Row> ordered = new ArrayList<>();
    for (String cohort : COHORT_ORDER) {
      rows.stream().filter(r -> KeyMetrics.COHORT.equals(r.getString(0)) && cohort.equals(r.getString(1)))
          .forEach(ordered::add);
    }
    rows.stream().filter(r -> KeyMetrics.NATIONAL.equals(r.getString(0))).forEach(ordered::add);
    for (Row r : ordered) {
      boolean national = KeyMetrics.NATIONAL.equals(r.getString(0));
      long finished = r.getLong(2);
      long caseness = r.getLong(3);
      table.row(
          national ? "all finished courses (national)" : r.getString(1),
          national ? sdc.nationalCount(finished) : sdc.count(finished),
          national ? sdc.nationalCount(caseness) : sdc.count(caseness),
          rate(sdc, national, r.getLong(4), caseness),
          rate(sdc, national, r.getLong(5), finished),
          rate(sdc, national, r.getLong(6), finished),
          rate(sdc, national, r.getLong(7), caseness));
    }
    return table;
  }

  private static String rate(Disclosure sdc, boolean national, long numerator, long denominator) {
    return national ? sdc.nationalRate(numerator, denominator) : sdc.rate(numerator, denominator);
  }
}
