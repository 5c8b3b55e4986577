package uk.nhs.tto.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an extract CSV (SPEC §1: header row, UTF-8, comma, one record per line; RFC 4180 quotes within a line)
 * straight from its bytes.
 *
 * <p>Hand-rolled rather than univocity (which Spark ships): the contract needs exactly one record per physical
 * line with its physical line number, a quote that may not span lines, strict UTF-8 (a decoder would silently
 * replace bad bytes) and the checksum of the very bytes parsed. Univocity joins lines inside quotes and decodes
 * leniently, so all of that would have to be re-checked around it; splitting bytes directly does it in one pass
 * and allocates one String per value and nothing per line. A UTF-8 byte-order mark and CRLF endings are
 * accepted; blank lines carry no record and are passed over (their line numbers still count).
 */
final class CsvRecordReader implements RecordReader {

  private static final int BUFFER = 1 << 16;

  private final String file;
  private final InputStream in;
  private final MessageDigest digest = Sha256.digest();
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private int limit;
  private boolean eof;

  private byte[] line = new byte[512];
  private int lineLength;
  private long lineNumber;

  private byte[] unquoted = new byte[128];
  private final List<String> header;
  private final int width;
  private String[] pieces;
  private String[] values;
  private String problem;

  /** Reads the header; refuses an empty file, one that is not UTF-8 or one whose header does not split. */
  CsvRecordReader(String file, InputStream in) throws IOException, FileRefusal {
    this.file = file;
    this.in = in;
    if (!readLine()) {
      throw new FileRefusal(
          file + " is empty (0 bytes): an extract file has at least its header row; deliver the file again");
    }
    if (lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
      System.arraycopy(line, 3, line, 0, lineLength - 3);
      lineLength -= 3;
    }
    if (isBlank()) {
      throw new FileRefusal(
          file + " has no header row (line 1 is blank): the first line must name the columns; deliver the file"
              + " with its header row");
    }
    requireUtf8();
    if (!split(-1)) {
      throw new FileRefusal(
          file + ": the header row " + problem + "; deliver the file with a one-line, comma-separated header");
    }
    this.header = List.of(headerNames(pieces));
    this.width = header.size();
  }

  private String[] headerNames(String[] names) throws FileRefusal {
    for (int i = 0; i < names.length; i++) {
      if (names[i] == null) {
        throw new FileRefusal(
            file + ": header column " + (i + 1) + " has no name; every column needs a name (a trailing comma in"
                + " the header makes an unnamed column)");
      }
    }
    return names;
  }

  @Override
  public List<String> header() {
    return header;
  }

  @Override
  public boolean next() throws IOException, FileRefusal {
    while (readLine()) {
      if (isBlank()) {
        continue;
      }
      requireUtf8();
      values = split(width) ? pieces : null;
      return true;
    }
    pieces = null;
    values = null;
    return false;
  }

  @Override
  public long line() {
    return lineNumber;
  }

  @Override
  public String[] values() {
    return values;
  }

  @Override
  public String[] pieces() {
    return pieces;
  }

  @Override
  public String splitProblem() {
    return problem;
  }

  @Override
  public String sha256() throws IOException {
    while (!eof) {
      fill();
    }
    return Sha256.hex(digest);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Loads the next physical line (without its CR LF or LF) into {@link #line}; false at the end of the file. */
  private boolean readLine() throws IOException {
    lineLength = 0;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        if (eof || !fill()) {
          if (any) {
            lineNumber++;
          }
          return any;
        }
      }
      int newline = -1;
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          newline = i;
          break;
        }
      }
      int end = newline < 0 ? limit : newline;
      append(pos, end - pos);
      any = true;
      if (newline >= 0) {
        pos = newline + 1;
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        lineNumber++;
        return true;
      }
      pos = limit;
    }
  }

  private boolean fill() throws IOException {
    int n;
    do {
      n = in.read(buf, 0, BUFFER);
    } while (n == 0);
    if (n < 0) {
      eof = true;
      pos = 0;
      limit = 0;
      return false;
    }
    digest.update(buf, 0, n);
    pos = 0;
    limit = n;
    return true;
  }

  private void append(int from, int length) {
    if (lineLength + length > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
    }
    System.arraycopy(buf, from, line, lineLength, length);
    lineLength += length;
  }

  private boolean isBlank() {
    for (int i = 0; i < lineLength; i++) {
      if ((line[i] & 0xFF) > ' ') {
        return false;
      }
    }
    return true;
  }

  private void requireUtf8() throws FileRefusal {
    int bad = Utf8.firstInvalid(line, 0, lineLength);
    if (bad >= 0) {
      throw new FileRefusal(
          file + " is not valid UTF-8 (line " + lineNumber + ", byte " + (bad + 1) + " of the line): extracts must"
              + " be UTF-8 encoded; re-export the file as UTF-8 (for example 'CSV UTF-8' rather than 'CSV')");
    }
  }

  /**
   * Splits {@link #line} at commas into trimmed values (empty as null), honouring double quotes within the line.
   * Sets {@link #pieces}; returns false and sets {@link #problem} when the line does not give {@code expected}
   * values (any number when {@code expected} is negative) or a quote is not closed or is followed by text.
   */
  private boolean split(int expected) {
    String[] out = new String[expected > 0 ? expected : 16];
    int n = 0;
    int i = 0;
    byte[] b = line;
    int len = lineLength;
    problem = null;
    while (true) {
      int start = i;
      while (start < len && (b[start] == ' ' || b[start] == '\t')) {
        start++;
      }
      String value;
      int next;
      if (start < len && b[start] == '"') {
        int j = start + 1;
        int u = 0;
        boolean closed = false;
        while (j < len) {
          byte c = b[j];
          if (c == '"') {
            if (j + 1 < len && b[j + 1] == '"') {
              u = put(u, (byte) '"');
              j += 2;
              continue;
            }
            closed = true;
            j++;
            break;
          }
          u = put(u, c);
          j++;
        }
        if (!closed) {
          problem =
              "has a quoted value (value " + (n + 1) + ") that is not closed on its line; a quoted value may not span"
                  + " lines";
          out = add(out, n++, text(unquoted, 0, u));
          pieces = Arrays.copyOf(out, n);
          return false;
        }
        while (j < len && (b[j] == ' ' || b[j] == '\t')) {
          j++;
        }
        if (j < len && b[j] != ',') {
          problem = "has text after the closing quote of value " + (n + 1);
          out = add(out, n++, text(unquoted, 0, u));
          pieces = Arrays.copyOf(out, n);
          return false;
        }
        value = text(unquoted, 0, u);
        next = j;
      } else {
        int j = start;
        while (j < len && b[j] != ',') {
          j++;
        }
        value = text(b, start, j);
        next = j;
      }
      out = add(out, n++, value);
      if (next >= len) {
        break;
      }
      i = next + 1;
    }
    if (expected >= 0 && n != expected) {
      problem = "has " + n + " values but the header has " + expected + " columns";
      pieces = Arrays.copyOf(out, n);
      return false;
    }
    pieces = n == out.length ? out : Arrays.copyOf(out, n);
    return true;
  }

  private int put(int u, byte c) {
    if (u == unquoted.length) {
      unquoted = Arrays.copyOf(unquoted, u * 2);
    }
    unquoted[u] = c;
    return u + 1;
  }

  private static String[] add(String[] out, int n, String value) {
    String[] target = n < out.length ? out : Arrays.copyOf(out, out.length * 2);
    target[n] = value;
    return target;
  }

  /** The bytes {@code [from, to)} trimmed of spaces and control characters (as String.trim), or null if empty. */
  private static String text(byte[] b, int from, int to) {
    while (from < to && (b[from] & 0xFF) <= ' ') {
      from++;
    }
    while (to > from && (b[to - 1] & 0xFF) <= ' ') {
      to--;
    }
    return from == to ? null : new String(b, from, to - from, StandardCharsets.UTF_8);
  }
}
