package uk.nhs.tto.jobs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Catalogue;
import uk.nhs.tto.report.TextTable;

/**
 * {@code scripts/tto sql}: Spark SQL over the lakehouse's tables ({@code tt_gold.courses}, {@code tt_results.did}…),
 * one query with {@code -e "query"} or an interactive prompt reading statements ended by {@code ;}.
 */
public final class SqlJob implements Job {

  @Override
  public String summary() {
    return "Spark SQL over the lakehouse tables (tt_bronze, tt_silver, tt_gold, tt_results, …)";
  }

  @Override
  public Set<String> options() {
    return Set.of("e", "rows");
  }

  @Override
  public String usage() {
    return "  -e \"SELECT …\"     run one query and print its result (else an interactive prompt)\n"
        + "  --rows N           rows to show (default 50)\n"
        + "  --lake DIR|s3a://…  the lakehouse (default ./lakehouse)\n"
        + "Results read inside the lakehouse are not disclosure-controlled: do not publish them as they are.";
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    List<String> tables = Catalogue.registerAll(ctx.lake());
    int rows = ctx.args().intOr("rows", 50);
    String query = ctx.args().get("e");
    if (query != null) {
      show(ctx, query, rows, tables);
      return 0;
    }
    ctx.err().println("tto sql: " + tables.size() + " tables registered; end statements with ';', quit with 'exit;'");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder stmt = new StringBuilder();
    ctx.err().print("tto> ");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      stmt.append(line).append('\n');
      if (line.trim().endsWith(";")) {
        String q = stmt.toString().trim();
        q = q.substring(0, q.length() - 1).trim();
        stmt.setLength(0);
        if (q.equalsIgnoreCase("exit") || q.equalsIgnoreCase("quit")) {
          break;
        }
        try {
          show(ctx, q, rows, tables);
        } catch (Exception e) {
          ctx.err().println("error: " + e.getMessage());
        }
      }
      ctx.err().print(stmt.length() == 0 ? "tto> " : "   > ");
    }
    return 0;
  }

  private static void show(JobContext ctx, String query, int rows, List<String> tables) {
    Dataset<Row> result;
    try {
      result = ctx.spark().sql(query);
    } catch (Exception e) {
      // Spark raises AnalysisException for a bad query: a checked exception to Java that Scala does not declare.
      if (e instanceof AnalysisException refusal) {
        throw refused(refusal, tables);
      }
      throw e;
    }
    TextTable table = new TextTable(List.of(result.columns()));
    // Only the first rows are shown, so only they are fetched.
    for (Row r : result.takeAsList(rows)) {
      List<Object> cells = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        cells.add(r.get(i));
      }
      table.row(cells);
    }
    ctx.out().print(table);
  }

  /**
   * A query Spark cannot analyse (bad syntax, a table or column that does not exist) is the user's to correct: said
   * in one message without Spark's stack trace, and for a table named as the issues and SPEC name them
   * ({@code gold.courses}) the name it is registered under ({@code tt_gold.courses}).
   */
  static TtoException refused(AnalysisException e, List<String> tables) {
    String fix = "correct the query; SHOW TABLES IN tt_gold lists a layer's tables and DESCRIBE tt_gold.courses a"
        + " table's columns";
    if ("TABLE_OR_VIEW_NOT_FOUND".equals(e.getCondition())) {
      String name = e.getMessageParameters().getOrDefault("relationName", "").replace("`", "");
      String table = name.substring(name.lastIndexOf('.') + 1);
      List<String> same = tables.stream().filter(t -> t.endsWith("." + table)).toList();
      fix = !same.isEmpty()
          ? "the lake's tables are registered under the layer's name with the prefix tt_: did you mean "
              + String.join(" or ", same) + "?"
          : "name one of the lake's tables: " + (tables.isEmpty() ? "(none: run ingest and derive first)"
              : String.join(", ", tables));
    }
    String said = e.getSimpleMessage().lines().findFirst().orElse("").strip();
    return TtoException.of("Spark SQL cannot run the query: " + (said.endsWith(".") ? said.substring(0,
        said.length() - 1) : said),
        "the query names something the lake does not have or is not valid SQL", fix, e);
  }
}
