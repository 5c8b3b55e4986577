package uk.nhs.tto.generate;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an extract table as CSV (UTF-8, comma, header row, {@code \n} line ends) straight into a byte buffer:
 * no per-field strings, so a national extract's hundreds of millions of fields stay cheap.
 */
final class CsvRowSink implements RowSink {

  private static final int BUFFER = 1 << 16;
  private static final byte[] DIGITS = "0123456789".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private final Days days;
  private final byte[] buf = new byte[BUFFER];
  private final byte[] scratch = new byte[20];
  private int pos;
  private boolean rowStarted;
  private long rows;

  CsvRowSink(Path file, List<String> header, Days days) throws IOException {
    this.out = new FileOutputStream(file.toFile());
    this.days = days;
    for (String column : header) {
      text(column);
    }
    endRowWithoutCount();
  }

  @Override
  public RowSink text(String value) throws IOException {
    separator();
    if (value == null) {
      return this;
    }
    boolean plain = true;
    for (int i = 0; i < value.length() && plain; i++) {
      char ch = value.charAt(i);
      plain = ch >= 0x20 && ch < 0x7F && ch != ',' && ch != '"';
    }
    if (plain) {
      room(value.length());
      for (int i = 0; i < value.length(); i++) {
        buf[pos++] = (byte) value.charAt(i);
      }
    } else {
      // Quote (RFC 4180) and encode as UTF-8; generated values never need it, defects might one day.
      byte[] b = ("\"" + value.replace("\"", "\"\"") + "\"").getBytes(StandardCharsets.UTF_8);
      raw(b);
    }
    return this;
  }

  @Override
  public RowSink ascii(byte[] value) throws IOException {
    separator();
    raw(value);
    return this;
  }

  @Override
  public RowSink id(byte[] prefix, long number) throws IOException {
    separator();
    raw(prefix);
    digits(number, ID_DIGITS);
    return this;
  }

  @Override
  public RowSink number(long value) throws IOException {
    separator();
    if (value < 0) {
      room(1);
      buf[pos++] = '-';
    }
    digits(Math.abs(value), 1);
    return this;
  }

  @Override
  public RowSink date(int day) throws IOException {
    separator();
    raw(days.iso(day));
    return this;
  }

  @Override
  public RowSink time(int minutes) throws IOException {
    separator();
    if (minutes >= 0) {
      room(5);
      int h = minutes / 60;
      int m = minutes % 60;
      buf[pos++] = DIGITS[h / 10];
      buf[pos++] = DIGITS[h % 10];
      buf[pos++] = ':';
      buf[pos++] = DIGITS[m / 10];
      buf[pos++] = DIGITS[m % 10];
    }
    return this;
  }

  @Override
  public void endRow() throws IOException {
    endRowWithoutCount();
    rows++;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      out.close();
    }
  }

  /** Decimal digits of a non-negative number, left-padded with zeros to {@code width}. */
  private void digits(long n, int width) throws IOException {
    room(Math.max(width, 19));
    int len = 0;
    do {
      scratch[len++] = DIGITS[(int) (n % 10)];
      n /= 10;
    } while (n > 0);
    for (int i = len; i < width; i++) {
      buf[pos++] = '0';
    }
    while (len > 0) {
      buf[pos++] = scratch[--len];
    }
  }

  private void endRowWithoutCount() throws IOException {
    room(1);
    buf[pos++] = '\n';
    rowStarted = false;
  }

  private void separator() throws IOException {
    if (rowStarted) {
      room(1);
      buf[pos++] = ',';
    }
    rowStarted = true;
  }

  private void raw(byte[] b) throws IOException {
    if (b.length > BUFFER) {
      flush();
      out.write(b);
      return;
    }
    room(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  private void room(int n) throws IOException {
    if (pos + n > BUFFER) {
      flush();
    }
  }

  private void flush() throws IOException {
    out.write(buf, 0, pos);
    pos = 0;
  }
}
