package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import uk.nhs.tto.ingest.IdsTable;

/**
 * SPEC §1's de-duplication of monthly re-submissions: per key, the row from the latest {@code Unique_MonthID}
 * wins, then the highest {@code UniqueSubmissionID}; the lake contract breaks any remaining tie by the latest
 * {@code _ingested_at}, then the greatest {@code _source_file}, then the greatest {@code _line} (the later line
 * of a file), so exactly one row wins and re-running picks the same one.
 */
public final class Dedup {

  private Dedup() {}

  /** True on the one winning row of each key of {@code table}'s bronze rows. */
  public static Column isWinner(IdsTable table) {
    Column[] keys = table.key().stream().map(k -> col(k)).toArray(Column[]::new);
    WindowSpec latestFirst =
        Window.partitionBy(keys)
            .orderBy(
                col("Unique_MonthID").cast("int").desc(),
                col("UniqueSubmissionID").cast("long").desc(),
                col("_ingested_at").desc(),
                col("_source_file").desc(),
                col("_line").desc());
    return row_number().over(latestFirst).equalTo(1);
  }
}
