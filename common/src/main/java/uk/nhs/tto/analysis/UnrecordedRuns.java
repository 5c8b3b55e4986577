package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.lake.Catalogue;
import uk.nhs.tto.lake.Lake;

/**
 * The result rows of analyse runs that were killed before they recorded themselves in {@code results.runs}.
 *
 * <p>An analyse run appends its rows to each results table (one Delta commit per table) and records itself in
 * {@code results.runs} last, so a run that {@code results.runs} names is complete, and a run killed midway leaves
 * whole tables' rows under a run id that no run names — never read as results (reports and notebooks go through
 * {@code results.runs}), but they would accumulate, and they make a killed-and-rerun lakehouse differ from one that
 * was never interrupted. The next analyse removes them ({@link #remove}), holding the analyse lock
 * ({@link uk.nhs.tto.lake.LakeLock#ANALYSE}), so that no run can be writing them at the time.
 */
public final class UnrecordedRuns {

  /** Rows removed from one results table: the run ids they carried and how many there were. */
  public record Removed(String table, Set<String> runIds, long rows) {

    @Override
    public String toString() {
      return rows + " rows of " + table + " (run" + (runIds.size() == 1 ? " " : "s ") + String.join(", ", runIds)
          + ")";
    }
  }

  private UnrecordedRuns() {}

  /**
   * Deletes, from every results table with a {@code run_id} column other than {@code results.runs}, the rows whose
   * run {@code results.runs} does not name; one Delta commit per table that has any, none otherwise. The caller
   * holds the analyse lock.
   */
  public static List<Removed> remove(Lake lake) {
    Set<String> recorded = recordedRuns(lake);
    List<Removed> removed = new ArrayList<>();
    for (String table : Catalogue.tablesIn(lake, "results")) {
      String name = "results." + table;
      if (name.equals(RunsTable.NAME)) {
        continue;
      }
      Dataset<Row> rows = lake.read(name);
      if (!Arrays.asList(rows.columns()).contains("run_id")) {
        continue;
      }
      // One id per run: few, whatever the table's size.
      Set<String> unrecorded = rows.select("run_id").distinct().collectAsList().stream()
          .map(r -> r.getString(0))
          .filter(id -> id != null && !recorded.contains(id))
          .collect(Collectors.toCollection(TreeSet::new));
      if (unrecorded.isEmpty()) {
        continue;
      }
      Column condition = col("run_id").isin(unrecorded.toArray());
      long count = rows.where(condition).count();
      lake.delta(name).delete(condition);
      removed.add(new Removed(name, unrecorded, count));
    }
    return removed;
  }

  private static Set<String> recordedRuns(Lake lake) {
    if (!lake.exists(RunsTable.NAME)) {
      return Set.of();
    }
    return lake.read(RunsTable.NAME).select("run_id").collectAsList().stream()
        .map(r -> r.getString(0))
        .collect(Collectors.toSet());
  }
}
