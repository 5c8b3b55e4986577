package uk.nhs.tto.generate;

import java.io.Closeable;
import java.io.IOException;

/**
 * One extract table being written, field by field in the table's column order (SPEC §1). Rows are streamed:
 * nothing is kept once a row ends.
 */
interface RowSink extends Closeable {

  /** A text value; {@code null} writes an empty (missing) value. */
  RowSink text(String value) throws IOException;

  /** A value already encoded as ASCII (codes and ids prepared once per service). */
  RowSink ascii(byte[] value) throws IOException;

  /** A record id: {@code prefix} followed by {@code number} zero-padded to {@value #ID_DIGITS} digits. */
  RowSink id(byte[] prefix, long number) throws IOException;

  RowSink number(long value) throws IOException;

  /** An ISO date, {@code yyyy-MM-dd}. */
  RowSink date(int day) throws IOException;

  /** {@code HH:mm}, or an empty value for a negative (missing) time. */
  RowSink time(int minutes) throws IOException;

  void endRow() throws IOException;

  long rows();

  /** Zero-padding of record ids, so that their string order (SPEC §3 tie rules) is their numeric order. */
  int ID_DIGITS = 9;
}
