package uk.nhs.tto.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.executor.InputMetrics;
import org.apache.spark.util.TaskCompletionListener;
import uk.nhs.tto.errors.TtoException;

/**
 * Streams the rows that one Spark task makes from its share of surveyed files, one record at a time (no file is
 * held in memory), applying the same structural rules as the survey; subclasses turn a record into a bronze or a
 * quarantine row, or skip it. At the end of each file its checksum is compared with the survey's, so bytes that
 * changed in between fail the write instead of entering the lakehouse unchecked.
 *
 * <p>Each record read counts in the task's input metrics, as a Spark data source's would, so that progress lines,
 * the Spark UI and event logs show ingest's rows read (Spark cannot see them: the task reads files it was handed
 * by name).
 */
abstract class FileRows<T> implements Iterator<T> {

  private final Iterator<FileSurvey> files;
  private final Configuration conf;
  private FileSurvey current;
  private RecordReader reader;
  private RowRules rules;
  private T next;
  private final InputMetrics input;

  FileRows(List<FileSurvey> files, Configuration conf) {
    this.files = files.iterator();
    this.conf = conf;
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> closeReader());
    }
    input = task == null ? null : task.taskMetrics().inputMetrics();
  }

  /** Which of a header's columns are pseudonymised (SPEC §1: Person_ID, PathwayID, CareProfLocalId). */
  static boolean[] identifierColumns(List<String> header) {
    boolean[] identifier = new boolean[header.size()];
    for (int i = 0; i < identifier.length; i++) {
      identifier[i] = IdsTable.PSEUDONYMISED.contains(header.get(i));
    }
    return identifier;
  }

  /** Called when a file is opened, before its first record. */
  protected abstract void beginFile(FileSurvey file, List<String> header);

  /** The row for the current record, or null to emit none; {@code violation} is null for a valid record. */
  protected abstract T row(FileSurvey file, RecordReader record, RowRules.Violation violation);

  @Override
  public boolean hasNext() {
    try {
      while (next == null) {
        if (reader == null) {
          if (!files.hasNext()) {
            return false;
          }
          open(files.next());
        } else if (reader.next()) {
          if (input != null) {
            input.incRecordsRead(1);
          }
          RowRules.Violation v =
              reader.values() == null
                  ? rules.unsplittable(reader.line(), reader.splitProblem())
                  : rules.check(reader.values(), reader.line());
          next = row(current, reader, v);
        } else {
          FileInspector.requireUnchanged(current.file(), current.sha256(), reader.sha256());
          closeReader();
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + current.file().relativePath(), e);
    } catch (FileRefusal refusal) {
      throw changed(refusal);
    }
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T row = next;
    next = null;
    return row;
  }

  private void open(FileSurvey file) throws IOException, FileRefusal {
    current = file;
    reader = ExtractReaders.open(file.file(), conf);
    if (!reader.header().equals(file.header())) {
      throw changed(new FileRefusal("its header differs from the survey's"));
    }
    rules = new RowRules(file.file(), reader.header());
    beginFile(file, reader.header());
  }

  private TtoException changed(FileRefusal refusal) {
    return TtoException.withExitCode(
        TtoException.INFRASTRUCTURE,
        current.file().relativePath() + " changed while ingest was reading it",
        refusal.reason(),
        "wait until the delivery is complete and run ingest again; nothing of this run has been recorded");
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        reader = null;
      }
    }
  }
}
