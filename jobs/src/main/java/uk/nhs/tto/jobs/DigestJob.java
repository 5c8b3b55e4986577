package uk.nhs.tto.jobs;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.TableDigest;
import uk.nhs.tto.report.TextTable;

/**
 * {@code scripts/tto digest}: content digests of every table of a lake, and with {@code --against} a comparison with
 * another lake (exit 1 when any table differs) — how the cluster and S3 tests prove two runs wrote the same tables.
 */
public final class DigestJob implements Job {

  /** Exit code when the lakes differ (as {@code diff} does). */
  static final int DIFFERENT = 1;

  @Override
  public String summary() {
    return "order-independent content digests of a lake's tables; --against compares two lakes";
  }

  @Override
  public Set<String> options() {
    return Set.of("against", "digits", "exact", "ignore");
  }

  @Override
  public String usage() {
    return "  --lake DIR|s3a://…      the lake to digest (default ./lakehouse)\n"
        + "  --against DIR|s3a://…   a second lake: print each table's verdict, exit 1 if any differs\n"
        + "  --ignore COL,COL        more columns to leave out (run lineage such as _ingested_at, _batch_id,\n"
        + "                          ingested_at, batch_id, run_id is always left out unless --exact)\n"
        + "  --exact                 digest every column\n"
        + "  --digits N              compare double columns to N significant digits (default: every bit)\n"
        + "  --json FILE             write the digests as JSON";
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    TableDigest.Options options = ctx.args().has("exact")
        ? TableDigest.Options.exact()
        : TableDigest.Options.exact().ignoring(TableDigest.RUN_COLUMNS);
    if (ctx.args().has("ignore")) {
      options = options.ignoring(Arrays.asList(ctx.args().get("ignore").split("\\s*,\\s*")));
    }
    if (ctx.args().has("digits")) {
      options = options.significantDigits(ctx.args().intOr("digits", 17));
    }
    ctx.progress().step("digesting " + ctx.lake().root());
    Map<String, TableDigest> mine = TableDigest.ofLake(ctx.lake(), options);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("lake", ctx.lake().root());
    json.put("tables", asJson(mine));
    if (!ctx.args().has("against")) {
      TextTable table = new TextTable("table", "rows", "content digest");
      mine.forEach((name, d) -> table.row(name, d.rows(), d.content()));
      ctx.out().print(table);
      ctx.writeJsonIfAsked(json);
      return 0;
    }
    Lake other = new Lake(ctx.spark(), ctx.args().get("against"));
    ctx.progress().step("digesting " + other.root());
    Map<String, TableDigest> theirs = TableDigest.ofLake(other, options);
    List<String> differences = TableDigest.differences(mine, theirs);
    json.put("against", other.root());
    json.put("against_tables", asJson(theirs));
    json.put("differences", differences);
    ctx.writeJsonIfAsked(json);
    ctx.out().println("comparing " + ctx.lake().root() + " (first) with " + other.root() + " (second): "
        + mine.size() + " and " + theirs.size() + " tables");
    if (differences.isEmpty()) {
      ctx.out().println("identical: every table has the same rows");
      return 0;
    }
    differences.forEach(d -> ctx.out().println("DIFFERENT " + d));
    return DIFFERENT;
  }

  private static Map<String, Object> asJson(Map<String, TableDigest> digests) {
    Map<String, Object> out = new LinkedHashMap<>();
    digests.forEach((name, d) -> out.put(name, Map.of("rows", d.rows(), "content", d.content())));
    return out;
  }
}
