package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.errors.TtoException;
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
 *
 * <p>How the next run finds them without reading every results table: a run leaves a marker file,
 * {@code _analyse/runs/<run id>}, before its first results commit ({@link #begin}) and deletes it after its
 * {@code results.runs} commit ({@link #end}). A marker that is still there names a run that may have left rows;
 * if {@code results.runs} does not name it, its rows are deleted, and the marker goes either way. With no marker
 * left, which is every run after an uninterrupted one, nothing is read (reading each results table's run ids took
 * about 2.5 s of a national analyse). A lakehouse written before markers were kept has no
 * {@code _analyse/runs/_kept} file: its first analyse scans every results table once, as before, then writes it.
 */
public final class UnrecordedRuns {

  /** Folder of the run markers, under the lakehouse root. */
  static final String MARKERS = "_analyse/runs";

  /** Written once every unrecorded run of the lakehouse has a marker (run ids start with a digit, never '_'). */
  static final String KEPT = "_kept";

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
   * Deletes, from every results table with a {@code run_id} column other than {@code results.runs}, the rows of
   * runs that {@code results.runs} does not name: those with a marker left, or on a lakehouse that keeps no markers
   * yet, every such run. One Delta commit per table that has any, none otherwise. The caller holds the analyse lock.
   */
  public static List<Removed> remove(Lake lake) {
    FileSystem fs = fileSystem(lake);
    Path folder = folder(lake);
    try {
      if (!fs.exists(new Path(folder, KEPT))) {
        Set<String> recorded = recordedRuns(lake);
        List<Removed> removed = removeRows(lake, null, id -> !recorded.contains(id));
        fs.mkdirs(folder);
        fs.create(new Path(folder, KEPT), true).close();
        return removed;
      }
      Set<String> marked = new TreeSet<>();
      for (FileStatus f : fs.listStatus(folder)) {
        marked.add(f.getPath().getName());
      }
      marked.remove(KEPT);
      if (marked.isEmpty()) {
        return List.of();
      }
      Set<String> recorded = recordedRuns(lake);
      Set<String> unrecorded = marked.stream().filter(id -> !recorded.contains(id))
          .collect(Collectors.toCollection(TreeSet::new));
      List<Removed> removed = unrecorded.isEmpty() ? List.of()
          : removeRows(lake, col("run_id").isin(unrecorded.toArray()), id -> true);
      for (String runId : marked) {
        end(lake, runId);
      }
      return removed;
    } catch (IOException e) {
      throw storage(lake, e);
    }
  }

  /** Marks {@code runId} as writing results; before its first results commit, under the analyse lock. */
  public static void begin(Lake lake, String runId) {
    try {
      fileSystem(lake).create(marker(lake, runId), false).close();
    } catch (IOException e) {
      throw storage(lake, e);
    }
  }

  /** Drops the mark of {@code runId}, once {@code results.runs} names it. */
  public static void end(Lake lake, String runId) {
    try {
      fileSystem(lake).delete(marker(lake, runId), false);
    } catch (IOException e) {
      throw storage(lake, e);
    }
  }

  /**
   * Deletes from each results table the rows whose run id {@code unrecorded} accepts, reading only the rows that
   * {@code candidates} selects (all when null).
   */
  private static List<Removed> removeRows(Lake lake, Column candidates, Predicate<String> unrecorded) {
    List<Removed> removed = new ArrayList<>();
    for (String table : Catalogue.tablesIn(lake, "results")) {
      String name = "results." + table;
      // A table whose first commit was killed has a log folder but no version yet: no rows to remove.
      if (name.equals(RunsTable.NAME) || !lake.exists(name)) {
        continue;
      }
      Dataset<Row> rows = lake.read(name);
      if (!Arrays.asList(rows.columns()).contains("run_id")) {
        continue;
      }
      Dataset<Row> read = candidates == null ? rows : rows.where(candidates);
      // One id per run: few, whatever the table's size.
      Set<String> ids = read.select("run_id").distinct().collectAsList().stream()
          .map(r -> r.getString(0))
          .filter(id -> id != null && unrecorded.test(id))
          .collect(Collectors.toCollection(TreeSet::new));
      if (ids.isEmpty()) {
        continue;
      }
      Column condition = col("run_id").isin(ids.toArray());
      long count = rows.where(condition).count();
      lake.delta(name).delete(condition);
      removed.add(new Removed(name, ids, count));
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

  /** The folder of the run markers. */
  private static Path folder(Lake lake) {
    return new Path(lake.root(), MARKERS);
  }

  /** The marker file of {@code runId}. */
  private static Path marker(Lake lake, String runId) {
    return new Path(folder(lake), runId);
  }

  private static FileSystem fileSystem(Lake lake) {
    try {
      return new Path(lake.root()).getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw storage(lake, e);
    }
  }

  private static TtoException storage(Lake lake, IOException e) {
    return TtoException.withExitCode(
        TtoException.INFRASTRUCTURE,
        "Cannot read or write the analyse run markers under " + lake.root() + "/" + MARKERS,
        e.toString(),
        "check that the lakehouse is writable, then run analyse again");
  }
}
