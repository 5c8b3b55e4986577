package uk.nhs.tto.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The course-level outcome flags of SPEC §4: caseness at first, recovery, reliable improvement, reliable
 * deterioration and reliable recovery. Every flag is null unless the course is finished with both PHQ-9 and
 * GAD-7 paired, so "no flag" never reads as "false".
 */
public final class OutcomeFlags {

  /** The flag columns, in gold.courses order. */
  public static final String[] COLUMNS = {
    "caseness", "recovered", "reliably_improved", "reliably_deteriorated", "reliably_recovered"
  };

  private OutcomeFlags() {}

  /**
   * Adds the flag columns to {@code courses}, which must have {@code finished}, {@code phq9_first},
   * {@code phq9_last}, {@code gad7_first} and {@code gad7_last}.
   */
  public static Dataset<Row> apply(Dataset<Row> courses, Thresholds t) {
    Column phqFirst = col("phq9_first");
    Column phqLast = col("phq9_last");
    Column gadFirst = col("gad7_first");
    Column gadLast = col("gad7_last");
    Column eligible =
        col("finished").equalTo(true)
            .and(phqFirst.isNotNull())
            .and(phqLast.isNotNull())
            .and(gadFirst.isNotNull())
            .and(gadLast.isNotNull());
    Column phqChange = phqLast.minus(phqFirst);
    Column gadChange = gadLast.minus(gadFirst);

    Column caseness = phqFirst.geq(t.phq9Caseness()).or(gadFirst.geq(t.gad7Caseness()));
    Column belowBothAtLast = phqLast.lt(t.phq9Caseness()).and(gadLast.lt(t.gad7Caseness()));
    Column recovered = caseness.and(belowBothAtLast);
    Column fallsReliably = phqChange.leq(-t.phq9ReliableChange()).or(gadChange.leq(-t.gad7ReliableChange()));
    Column risesReliably = phqChange.geq(t.phq9ReliableChange()).or(gadChange.geq(t.gad7ReliableChange()));
    Column improved = fallsReliably.and(not(risesReliably));
    Column deteriorated = risesReliably.and(not(fallsReliably));

    Column[] values = {caseness, recovered, improved, deteriorated, recovered.and(improved)};
    Dataset<Row> out = courses;
    for (int i = 0; i < COLUMNS.length; i++) {
      out = out.withColumn(COLUMNS[i], when(eligible, values[i]).otherwise(lit(null).cast("boolean")));
    }
    return out;
  }
}
