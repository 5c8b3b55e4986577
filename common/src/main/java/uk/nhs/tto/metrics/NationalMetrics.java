package uk.nhs.tto.metrics;

import static org.apache.spark.sql.functions.col;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The national row of gold.key_metrics as plain numbers, for summaries and the {@code --json} output. */
public record NationalMetrics(
    long finished,
    long atCaseness,
    long recovered,
    long reliablyImproved,
    long reliablyDeteriorated,
    long reliablyRecovered) {

  /** Reads the single national row of a gold.key_metrics dataset (one small row to the driver). */
  public static NationalMetrics from(Dataset<Row> keyMetrics) {
    List<Row> rows =
        keyMetrics
            .filter(col("level").equalTo(KeyMetrics.NATIONAL))
            .select(KeyMetrics.COUNTS.stream().map(c -> col(c)).toArray(Column[]::new))
            .collectAsList();
    if (rows.size() != 1) {
      throw new IllegalStateException("gold.key_metrics must have one national row, has " + rows.size());
    }
    Row r = rows.get(0);
    return new NationalMetrics(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5));
  }

  /** Field names as SPEC §7 {@code derive.key_metrics} writes them. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("finished", finished);
    m.put("at_caseness", atCaseness);
    m.put("recovered", recovered);
    m.put("reliably_improved", reliablyImproved);
    m.put("reliably_deteriorated", reliablyDeteriorated);
    m.put("reliably_recovered", reliablyRecovered);
    return m;
  }
}
