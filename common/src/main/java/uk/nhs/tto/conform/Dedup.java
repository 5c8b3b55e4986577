package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.ingest.IdsTable;

/**
 * SPEC §1's de-duplication of monthly re-submissions: per key, the row from the latest {@code Unique_MonthID}
 * wins, then the highest {@code UniqueSubmissionID}; the lake contract breaks any remaining tie by the latest
 * {@code _ingested_at}, then the greatest {@code _source_file}, then the greatest {@code _line} (the later line
 * of a file), so exactly one row wins and re-running picks the same one.
 *
 * <p>The rows of a referral and its client are re-submitted every month the referral is open
 * ({@link IdsTable#resubmittedWhileOpen()}), and all of them go through the window of {@link #isWinner}. Event tables
 * (contacts, activities, scores) are delivered once per event, so {@link #markWinners} first finds the keys that
 * occur more than once (a narrow pass over key hashes): when there are none, every row wins without the table being
 * shuffled and sorted for the window; when there are a few, only their rows are ranked; when there are many (a
 * service that re-sends whole months, say), every row goes through the window after all. At the national year the
 * window over the event tables cost a fifth of derive (docs/BENCHMARKS.md).
 */
public final class Dedup {

  /** The column {@link #markWinners} adds: true on the one winning row of each key. */
  public static final String WINNER = "_winner";

  /**
   * Rows of contested keys (keys delivered more than once) up to which only those rows are ranked; above it the
   * whole table goes through the window. The contested rows' identities are broadcast, so this bounds that broadcast.
   */
  static final long MAX_CONTESTED_ROWS = 200_000;

  private static final String HASH = "_key_hash";
  private static final String ROWS = "_rows";
  private static final StructType REPEATED =
      new StructType().add(HASH, DataTypes.LongType, false).add(ROWS, DataTypes.LongType, false);

  private Dedup() {}

  /** {@code bronze} with {@link #WINNER} added: true on the one winning row of each key of {@code table}. */
  public static Dataset<Row> markWinners(Dataset<Row> bronze, IdsTable table) {
    if (table.resubmittedWhileOpen()) {
      // Most keys are contested: counting them first would only delay the window.
      return bronze.withColumn(WINNER, isWinner(table));
    }
    return markWinners(bronze, table, MAX_CONTESTED_ROWS);
  }

  static Dataset<Row> markWinners(Dataset<Row> bronze, IdsTable table, long maxContestedRows) {
    Column hash = xxhash64(keys(table));
    // Each key hash seen more than once, with its number of rows: the hashes sorted within hash partitions (a radix
    // sort of longs) and runs of equal ones counted. Hash collisions only add keys to the contested set; the ranking
    // below partitions by the keys themselves.
    Dataset<Row> contested =
        bronze.select(hash.as(HASH))
            .repartition(col(HASH))
            .sortWithinPartitions(HASH)
            .mapPartitions(new RepeatedValues(), Encoders.row(REPEATED));
    Row summary = contested.agg(count(lit(1)), coalesce(sum(col(ROWS)), lit(0L))).first();
    if (summary.getLong(0) == 0) {
      return bronze.withColumn(WINNER, lit(true));
    }
    if (summary.getLong(1) > maxContestedRows) {
      return bronze.withColumn(WINNER, isWinner(table));
    }
    Dataset<Row> hashes = contested.select(HASH);
    // The losers among the contested rows, each named by its key hash and its place in bronze (ingest time, file,
    // line: unique per bronze row).
    Dataset<Row> tagged = bronze.withColumn(HASH, hash);
    Dataset<Row> losers =
        tagged
            .join(broadcast(hashes), HASH)
            .withColumn("_l_won", isWinner(table))
            .filter(not(col("_l_won")))
            .select(
                col(HASH).as("_l_hash"), col("_ingested_at").as("_l_at"), col("_source_file").as("_l_file"),
                col("_line").as("_l_line"));
    Dataset<Row> joined =
        tagged.join(
            broadcast(losers),
            // Null-safe: ingest always fills the lineage columns, but a loser must never slip through as a winner.
            tagged.col(HASH).equalTo(losers.col("_l_hash"))
                .and(tagged.col("_ingested_at").eqNullSafe(losers.col("_l_at")))
                .and(tagged.col("_source_file").eqNullSafe(losers.col("_l_file")))
                .and(tagged.col("_line").eqNullSafe(losers.col("_l_line"))),
            "left");
    // A key hash is never null, so a row matched no loser exactly when it has none.
    return joined
        .withColumn(WINNER, col("_l_hash").isNull())
        .drop(HASH, "_l_hash", "_l_at", "_l_file", "_l_line");
  }

  /** True on the one winning row of each key of {@code table}'s bronze rows (a window over every row). */
  public static Column isWinner(IdsTable table) {
    WindowSpec latestFirst =
        Window.partitionBy(keys(table))
            .orderBy(
                col("Unique_MonthID").cast("int").desc(),
                col("UniqueSubmissionID").cast("long").desc(),
                col("_ingested_at").desc(),
                col("_source_file").desc(),
                col("_line").desc());
    return row_number().over(latestFirst).equalTo(1);
  }

  /** From sorted longs, lazily: each value that occurs more than once, and how often. */
  private static final class RepeatedValues implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> sorted) {
      return new Iterator<>() {
        /** When true, {@code value} is the first value of a run not yet counted (read while ending the last). */
        private boolean pending;
        private long value;
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null && (pending || sorted.hasNext())) {
            long first = pending ? value : sorted.next().getLong(0);
            pending = false;
            long run = 1;
            while (sorted.hasNext()) {
              long v = sorted.next().getLong(0);
              if (v != first) {
                value = v;
                pending = true;
                break;
              }
              run++;
            }
            if (run > 1) {
              next = RowFactory.create(first, run);
            }
          }
          return next != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }
      };
    }
  }

  private static Column[] keys(IdsTable table) {
    return table.key().stream().map(k -> col(k)).toArray(Column[]::new);
  }
}
