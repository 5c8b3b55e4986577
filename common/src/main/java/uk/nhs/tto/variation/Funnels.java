package uk.nhs.tto.variation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Funnel plots of service recovery and reliable-improvement rates (SPEC §4) against their denominators, with exact
 * binomial control limits around the national rate ({@link FunnelLimits}): one small aggregation of
 * {@code gold.courses} by service.
 */
public final class Funnels {

  private Funnels() {}

  /** Every service with finished courses on both funnels, services in order within each metric. */
  public static List<FunnelPoint> compute(Dataset<Row> courses) {
    Column finished = col("finished").equalTo(true);
    List<Row> rows = courses.where(finished.and(col("service_id").isNotNull()))
        .groupBy(col("service_id").cast("string").as("service"))
        .agg(
            count(lit(1)).as("finished"),
            sum(when(col("caseness").equalTo(true), 1L).otherwise(0L)).as("at_caseness"),
            sum(when(col("recovered").equalTo(true), 1L).otherwise(0L)).as("recovered"),
            sum(when(col("reliably_improved").equalTo(true), 1L).otherwise(0L)).as("reliably_improved"))
        .orderBy("service")
        .collectAsList();
    List<FunnelPoint> out = new ArrayList<>();
    for (FunnelMetric m : FunnelMetric.values()) {
      String num = m == FunnelMetric.RECOVERY ? "recovered" : "reliably_improved";
      String den = m == FunnelMetric.RECOVERY ? "at_caseness" : "finished";
      long totalNum = 0;
      long totalDen = 0;
      for (Row r : rows) {
        totalNum += r.<Long>getAs(num);
        totalDen += r.<Long>getAs(den);
      }
      if (totalDen == 0) {
        continue;
      }
      FunnelLimits limits = new FunnelLimits((double) totalNum / totalDen);
      for (Row r : rows) {
        long n = r.<Long>getAs(den);
        if (n == 0) {
          continue;
        }
        long x = r.<Long>getAs(num);
        out.add(new FunnelPoint(m.id(), r.getString(0), x, n, limits.target(),
            limits.limit(n, FunnelLimits.P95_LOW), limits.limit(n, FunnelLimits.P95_HIGH),
            limits.limit(n, FunnelLimits.P998_LOW), limits.limit(n, FunnelLimits.P998_HIGH),
            limits.position(x, n)));
      }
    }
    return out;
  }
}
