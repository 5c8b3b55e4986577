package uk.nhs.tto.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import uk.nhs.tto.ingest.IdsTable;

/**
 * {@code scripts/tto bare-copy}: the benchmarks' floor — every extract table read once with Spark's CSV reader
 * and written once as Parquet, with no checks, lineage or pseudonymisation. Ingest and derive are judged as
 * multiples of this time (docs/BENCHMARKS.md).
 */
public final class BareCopyJob implements Job {

  @Override
  public LakeUse lakeUse() {
    return LakeUse.NONE;
  }

  @Override
  public String summary() {
    return "benchmark floor: read every extract CSV once with Spark and write it once as Parquet";
  }

  @Override
  public Set<String> options() {
    return Set.of("out");
  }

  @Override
  public String usage() {
    return "  --extracts DIR   extract root (<service>/<month>/<Table>.csv)\n  --out DIR        where the Parquet goes";
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    String root = ctx.args().require("extracts", "the extract root to copy");
    String out = ctx.args().require("out", "where to write the Parquet copy");
    long start = System.nanoTime();
    Map<String, Long> rows = new LinkedHashMap<>();
    for (IdsTable t : IdsTable.values()) {
      Dataset<Row> csv =
          ctx.spark().read().option("header", "true").csv(root + "/*/*/" + t.fileStem() + ".csv");
      csv.write().mode(SaveMode.Overwrite).parquet(out + "/" + t.tableName());
      rows.put(t.tableName(), ctx.spark().read().parquet(out + "/" + t.tableName()).count());
    }
    double secs = (System.nanoTime() - start) / 1e9;
    long total = rows.values().stream().mapToLong(Long::longValue).sum();
    ctx.out().printf("bare-copy: %d rows in %.1f s (%.0f rows/s)%n", total, secs, total / secs);
    ctx.writeJsonIfAsked(Map.of("rows", rows, "seconds", secs));
    return 0;
  }
}
