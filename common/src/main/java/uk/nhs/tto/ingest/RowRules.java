package uk.nhs.tto.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import uk.nhs.tto.quality.StructuralRule;

/**
 * The structural rules of SPEC §1 for the rows of one file (its table, header and folder): key, Unique_MonthID
 * and UniqueSubmissionID present, every typed required value parses, OrgID_Provider and Unique_MonthID equal to
 * the folder's. The first broken rule, in that order, is the row's rule. SCORE values are not checked here.
 */
final class RowRules {

  /** A broken rule with the message that goes to {@code quarantine.*.message}. */
  record Violation(StructuralRule rule, String message) {}

  private static final String ORG = "OrgID_Provider";
  private static final String MONTH = "Unique_MonthID";
  private static final String SUBMISSION = "UniqueSubmissionID";
  private static final String QUARANTINED = " — the row has been quarantined";

  private final String file;
  private final IdsTable table;
  private final List<String> header;
  private final String service;
  private final int month;
  private final int[] keys;
  private final int[] submission;
  private final int[] typed;
  private final ColumnType[] types;
  private final int org;
  private final int monthColumn;

  /** Rules for a file whose header holds every required column (the file is refused otherwise). */
  RowRules(ExtractFile file, List<String> header) {
    this.file = file.relativePath();
    this.table = file.table();
    this.header = header;
    this.service = file.serviceId();
    this.month = file.monthId();
    this.keys = table.key().stream().mapToInt(header::indexOf).toArray();
    this.submission = new int[] {header.indexOf(MONTH), header.indexOf(SUBMISSION)};
    List<Integer> typedColumns = new ArrayList<>();
    List<ColumnType> typedTypes = new ArrayList<>();
    for (Map.Entry<String, ColumnType> e : table.required().entrySet()) {
      ColumnType type = e.getValue();
      if (type == ColumnType.INTEGER || type == ColumnType.DATE || type == ColumnType.TIME) {
        typedColumns.add(header.indexOf(e.getKey()));
        typedTypes.add(type);
      }
    }
    this.typed = typedColumns.stream().mapToInt(Integer::intValue).toArray();
    this.types = typedTypes.toArray(new ColumnType[0]);
    this.org = header.indexOf(ORG);
    this.monthColumn = header.indexOf(MONTH);
  }

  /** The rule a line breaks when it does not split into the header's columns. */
  Violation unsplittable(long line, String problem) {
    return new Violation(
        StructuralRule.STRUCT_COLUMN_COUNT,
        at(line) + "the line " + problem + "; fix the extract so that each record is one line with one value per"
            + " header column (quote values that contain commas) and deliver the file again" + QUARANTINED);
  }

  /** The first structural rule the row's values break, or null when they break none. */
  Violation check(String[] v, long line) {
    for (int k : keys) {
      if (v[k] == null) {
        return new Violation(
            StructuralRule.STRUCT_KEY_MISSING,
            at(line) + "key column " + header.get(k) + " is empty; every " + table.fileStem() + " row needs its key ("
                + String.join(", ", table.key()) + "); fill it in the extract and deliver the file again"
                + QUARANTINED);
      }
    }
    for (int k : submission) {
      if (v[k] == null) {
        return new Violation(
            StructuralRule.STRUCT_SUBMISSION_MISSING,
            at(line) + header.get(k) + " is empty; every row needs Unique_MonthID and UniqueSubmissionID; fill it in"
                + " the extract and deliver the file again" + QUARANTINED);
      }
    }
    for (int t = 0; t < typed.length; t++) {
      String value = v[typed[t]];
      if (value != null && !types[t].accepts(value)) {
        return badValue(line, typed[t], value, types[t]);
      }
    }
    String org = v[this.org];
    if (!service.equals(org)) {
      return new Violation(
          StructuralRule.STRUCT_FOLDER_MISMATCH,
          at(line) + "OrgID_Provider " + (org == null ? "is empty" : "'" + org + "'") + " but the file is in the"
              + " folder of provider " + service + "; deliver the row in its provider's folder or correct the value"
              + QUARANTINED);
    }
    if (Long.parseLong(v[monthColumn]) != month) {
      return new Violation(
          StructuralRule.STRUCT_FOLDER_MISMATCH,
          at(line) + "Unique_MonthID " + v[monthColumn] + " but the file is in the folder of month " + month
              + "; deliver the row in its month's submission or correct the value" + QUARANTINED);
    }
    return null;
  }

  private Violation badValue(long line, int column, String value, ColumnType type) {
    String shown = header.get(column) + " '" + value + "'";
    return switch (type) {
      case INTEGER -> new Violation(
          StructuralRule.STRUCT_BAD_INTEGER,
          at(line) + shown + " is not a whole number; correct it in the extract and deliver the file again"
              + QUARANTINED);
      case DATE -> new Violation(
          StructuralRule.STRUCT_BAD_DATE,
          at(line) + shown + " is not a real date written yyyy-MM-dd; correct it in the extract and deliver the"
              + " file again" + QUARANTINED);
      default -> new Violation(
          StructuralRule.STRUCT_BAD_TIME,
          at(line) + shown + " is not a time written HH:mm (00:00 to 23:59); correct it in the extract and deliver"
              + " the file again" + QUARANTINED);
    };
  }

  private String at(long line) {
    return file + " line " + line + ": ";
  }
}
