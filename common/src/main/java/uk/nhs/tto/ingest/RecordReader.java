package uk.nhs.tto.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Streams the records of one extract file with their line numbers, whatever its format: values are trimmed
 * strings, an empty value is null. A record that does not split into the header's columns still gives the pieces
 * it split into, so they can be checked for identifiers, but no {@link #values()}.
 */
interface RecordReader extends Closeable {

  /** Column names as delivered, in file order. */
  List<String> header();

  /** Advances to the next record; false at the end. Throws when the file turns out to be unreadable. */
  boolean next() throws IOException, FileRefusal;

  /** Line of the current record: CSV physical line (header = 1); Parquet row index + 2. */
  long line();

  /** The current record's values, one per header column, or null when it does not split into them. */
  String[] values();

  /** Every piece the current record split into (its values when it fits the header). */
  String[] pieces();

  /** Why the current record does not split into the header's columns, e.g. "has 7 values but …". */
  String splitProblem();

  /** SHA-256 of the bytes read, once {@link #next()} has returned false. */
  String sha256() throws IOException;
}
