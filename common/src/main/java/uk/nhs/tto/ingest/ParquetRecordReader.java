package uk.nhs.tto.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads an extract Parquet file as the same trimmed strings a CSV would deliver (bronze keeps every value as a
 * string): dates as {@code yyyy-MM-dd}, times as {@code HH:mm}, numbers in plain notation. Line numbers are the
 * row index + 2, so they read as they would in the CSV. A file that is not Parquet (wrong magic, truncated
 * footer) or has nested or repeated columns is refused.
 */
final class ParquetRecordReader implements RecordReader {

  private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;

  private final String file;
  private final String sha256;
  private final List<String> header = new ArrayList<>();
  private final List<PrimitiveType> types = new ArrayList<>();
  private final ParquetReader<Group> reader;
  private long row;
  private String[] values;

  ParquetRecordReader(String file, Path path, Configuration conf) throws IOException, FileRefusal {
    this.file = file;
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      this.sha256 = Sha256.of(in);
    }
    MessageType schema;
    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
      schema = footer.getFooter().getFileMetaData().getSchema();
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
    for (Type field : schema.getFields()) {
      if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
        throw new FileRefusal(
            file + ": column '" + field.getName() + "' is nested or repeated; extract Parquet files must be flat"
                + " tables with one value per column; re-export it flat");
      }
      header.add(field.getName());
      types.add(field.asPrimitiveType());
    }
    try {
      this.reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build();
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
  }

  private FileRefusal unreadable(Exception e) {
    return new FileRefusal(
        file + " cannot be read as Parquet (" + e.getClass().getSimpleName() + "): it is truncated, corrupt or not"
            + " a Parquet file; deliver the file again, or as .csv");
  }

  @Override
  public List<String> header() {
    return header;
  }

  @Override
  public boolean next() throws FileRefusal {
    Group g;
    try {
      g = reader.read();
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
    if (g == null) {
      values = null;
      return false;
    }
    row++;
    values = new String[types.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = g.getFieldRepetitionCount(i) == 0 ? null : trimmed(text(g, i, types.get(i)));
    }
    return true;
  }

  private String text(Group g, int i, PrimitiveType type) throws FileRefusal {
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
      BigInteger unscaled =
          switch (type.getPrimitiveTypeName()) {
            case INT32 -> BigInteger.valueOf(g.getInteger(i, 0));
            case INT64 -> BigInteger.valueOf(g.getLong(i, 0));
            default -> new BigInteger(g.getBinary(i, 0).getBytes());
          };
      return new BigDecimal(unscaled, d.getScale()).toPlainString();
    }
    switch (type.getPrimitiveTypeName()) {
      case BINARY:
      case FIXED_LEN_BYTE_ARRAY:
        return utf8(g.getBinary(i, 0), header.get(i));
      case BOOLEAN:
        return Boolean.toString(g.getBoolean(i, 0));
      case FLOAT:
        return Float.toString(g.getFloat(i, 0));
      case DOUBLE:
        return Double.toString(g.getDouble(i, 0));
      case INT96:
        return int96(g.getInt96(i, 0));
      case INT32:
        int n = g.getInteger(i, 0);
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          return LocalDate.ofEpochDay(n).toString();
        }
        if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
          return clock(LocalTime.ofNanoOfDay(n * 1_000_000L));
        }
        if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation t && !t.isSigned()) {
          return Integer.toUnsignedString(n);
        }
        return Integer.toString(n);
      default: // INT64
        long l = g.getLong(i, 0);
        if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation t) {
          return clock(LocalTime.ofNanoOfDay(l * nanosPer(t.getUnit())));
        }
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t) {
          long nanos = nanosPer(t.getUnit());
          return Instant.ofEpochSecond(Math.floorDiv(l * nanos, 1_000_000_000L), Math.floorMod(l * nanos,
              1_000_000_000L)).toString();
        }
        if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation t && !t.isSigned()) {
          return Long.toUnsignedString(l);
        }
        return Long.toString(l);
    }
  }

  private String utf8(Binary binary, String column) throws FileRefusal {
    byte[] bytes = binary.getBytesUnsafe();
    int bad = Utf8.firstInvalid(bytes, 0, bytes.length);
    if (bad >= 0) {
      throw new FileRefusal(
          file + " is not valid UTF-8 (column '" + column + "', row " + row + "): text in extracts must be"
              + " UTF-8; re-export the file");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static long nanosPer(LogicalTypeAnnotation.TimeUnit unit) {
    return switch (unit) {
      case MILLIS -> 1_000_000L;
      case MICROS -> 1_000L;
      case NANOS -> 1L;
    };
  }

  /** {@code HH:mm} when the time has no seconds (the IDS format), otherwise ISO {@code HH:mm:ss[.f]}. */
  private static String clock(LocalTime t) {
    String s = t.toString();
    return t.getSecond() == 0 && t.getNano() == 0 ? s.substring(0, 5) : s;
  }

  /** Legacy INT96 timestamps: nanoseconds of the day, then the Julian day, little-endian. */
  private static String int96(Binary b) {
    ByteBuffer buf = b.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long nanosOfDay = buf.getLong();
    long julianDay = buf.getInt();
    long epochDay = julianDay - JULIAN_DAY_OF_EPOCH;
    return Instant.ofEpochSecond(epochDay * 86_400L, nanosOfDay).toString();
  }

  private static String trimmed(String s) {
    String t = s.trim();
    return t.isEmpty() ? null : t;
  }

  @Override
  public long line() {
    return row + 1;
  }

  @Override
  public String[] values() {
    return values;
  }

  @Override
  public String[] pieces() {
    return values;
  }

  @Override
  public String splitProblem() {
    return null;
  }

  @Override
  public String sha256() {
    return sha256;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
