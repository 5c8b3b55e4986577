package uk.nhs.tto.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The quarantine rows of a task's files: every record that breaks a structural rule, with the rule, a message
 * naming file, line and column, and the record as a JSON object whose identifiers are pseudonymised. A line that
 * does not split into the header's columns has no record: its identifiers cannot be found to pseudonymise, and a
 * raw line is never stored.
 */
final class QuarantineRows extends FileRows<Row> {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Timestamp ingestedAt;
  private final Pseudonymiser pseudonymiser;
  private List<String> header;
  private boolean[] identifier;

  QuarantineRows(List<FileSurvey> files, Configuration conf, Timestamp ingestedAt, Pseudonymiser pseudonymiser) {
    super(files, conf);
    this.ingestedAt = ingestedAt;
    this.pseudonymiser = pseudonymiser;
  }

  @Override
  protected void beginFile(FileSurvey file, List<String> header) {
    this.header = header;
    this.identifier = identifierColumns(header);
  }

  @Override
  protected Row row(FileSurvey file, RecordReader record, RowRules.Violation violation) {
    if (violation == null) {
      return null;
    }
    ExtractFile f = file.file();
    return RowFactory.create(
        f.relativePath(),
        file.sha256(),
        record.line(),
        ingestedAt,
        f.serviceId(),
        f.monthId(),
        IngestTables.STAGE,
        violation.rule().id(),
        violation.message(),
        json(record.values()));
  }

  private String json(String[] values) {
    if (values == null) {
      return null;
    }
    Map<String, String> record = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      record.put(header.get(i), identifier[i] ? pseudonymiser.pseudonym(values[i]) : values[i]);
    }
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
  }
}
