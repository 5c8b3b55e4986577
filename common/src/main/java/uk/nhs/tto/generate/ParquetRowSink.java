package uk.nhs.tto.generate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes an extract table as Parquet with parquet-hadoop's example (Group) writer, already on Spark's classpath.
 * {@code Unique_MonthID} is INT32 and {@code UniqueSubmissionID} INT64 (SPEC §1); every other column is an
 * optional UTF-8 string holding the value as a CSV would deliver it, so both formats carry the same values.
 */
final class ParquetRowSink implements RowSink {

  /**
   * One Hadoop configuration for all writers: building one parses Hadoop's default resources, which would cost
   * more than writing a month's small files. Writers only read it.
   */
  private static final Configuration HADOOP = new Configuration();

  private static final String MONTH = "Unique_MonthID";
  private static final String SUBMISSION = "UniqueSubmissionID";

  private final List<String> columns;
  private final Days days;
  private final SimpleGroupFactory groups;
  private final ParquetWriter<Group> writer;
  private final Object[] row;
  private int field;
  private long rows;

  ParquetRowSink(Path file, List<String> columns, Days days) throws IOException {
    this.columns = columns;
    this.days = days;
    Types.MessageTypeBuilder schema = Types.buildMessage();
    for (String c : columns) {
      if (c.equals(MONTH)) {
        schema.required(PrimitiveTypeName.INT32).named(c);
      } else if (c.equals(SUBMISSION)) {
        schema.required(PrimitiveTypeName.INT64).named(c);
      } else {
        schema.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c);
      }
    }
    MessageType type = schema.named("extract");
    this.groups = new SimpleGroupFactory(type);
    this.writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(HADOOP)
        .withType(type)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build();
    this.row = new Object[columns.size()];
  }

  @Override
  public RowSink text(String value) {
    row[field++] = value;
    return this;
  }

  @Override
  public RowSink ascii(byte[] value) {
    return text(new String(value, StandardCharsets.US_ASCII));
  }

  @Override
  public RowSink id(byte[] prefix, long number) {
    String digits = Long.toString(number);
    return text(new String(prefix, StandardCharsets.US_ASCII) + "0".repeat(Math.max(0, ID_DIGITS - digits.length()))
        + digits);
  }

  @Override
  public RowSink number(long value) {
    row[field++] = value;
    return this;
  }

  @Override
  public RowSink date(int day) {
    return ascii(days.iso(day));
  }

  @Override
  public RowSink time(int minutes) {
    return text(minutes < 0 ? null : String.format("%02d:%02d", minutes / 60, minutes % 60));
  }

  @Override
  public void endRow() throws IOException {
    Group g = groups.newGroup();
    for (int i = 0; i < row.length; i++) {
      Object v = row[i];
      String c = columns.get(i);
      if (v == null) {
        continue;
      }
      if (c.equals(MONTH)) {
        g.append(c, ((Long) v).intValue());
      } else if (c.equals(SUBMISSION)) {
        g.append(c, (Long) v);
      } else {
        g.append(c, v.toString());
      }
      row[i] = null;
    }
    writer.write(g);
    field = 0;
    rows++;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
