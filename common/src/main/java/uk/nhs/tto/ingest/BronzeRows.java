package uk.nhs.tto.ingest;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The bronze rows of a task's files: every record that passes the structural rules, as delivered strings placed
 * in the batch's column order, identifiers pseudonymised, with its lineage columns.
 */
final class BronzeRows extends FileRows<Row> {

  private static final int LINEAGE = IngestTables.LINEAGE.size();

  private final Map<String, Integer> positions = new HashMap<>();
  private final int width;
  private final Timestamp ingestedAt;
  private final String batchId;
  private final Pseudonymiser pseudonymiser;
  private int[] target;
  private boolean[] identifier;

  BronzeRows(
      List<FileSurvey> files,
      Configuration conf,
      List<String> delivered,
      Timestamp ingestedAt,
      String batchId,
      Pseudonymiser pseudonymiser) {
    super(files, conf);
    for (int i = 0; i < delivered.size(); i++) {
      positions.put(delivered.get(i).toLowerCase(Locale.ROOT), LINEAGE + i);
    }
    this.width = LINEAGE + delivered.size();
    this.ingestedAt = ingestedAt;
    this.batchId = batchId;
    this.pseudonymiser = pseudonymiser;
  }

  @Override
  protected void beginFile(FileSurvey file, List<String> header) {
    target = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      target[i] = positions.get(header.get(i).toLowerCase(Locale.ROOT));
    }
    identifier = identifierColumns(header);
  }

  @Override
  protected Row row(FileSurvey file, RecordReader record, RowRules.Violation violation) {
    if (violation != null) {
      return null;
    }
    Object[] out = new Object[width];
    ExtractFile f = file.file();
    out[0] = f.relativePath();
    out[1] = file.sha256();
    out[2] = record.line();
    out[3] = ingestedAt;
    out[4] = f.serviceId();
    out[5] = f.monthId();
    out[6] = batchId;
    String[] values = record.values();
    for (int i = 0; i < values.length; i++) {
      out[target[i]] = identifier[i] ? pseudonymiser.pseudonym(values[i]) : values[i];
    }
    return RowFactory.create(out);
  }
}
