package uk.nhs.tto.ingest;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The IDS tables of an extract (SPEC §1): file name, key, required columns and how each must parse.
 * Every row also carries {@code OrgID_Provider}, {@code Unique_MonthID} and {@code UniqueSubmissionID}.
 */
public enum IdsTable {
  IDS001MPI(
      List.of("Person_ID"),
      cols("Person_ID", "TEXT", "Age", "INTEGER", "Gender", "TEXT", "EthnicCategory", "TEXT", "IMD_Decile", "INTEGER")),
  IDS101Referral(
      List.of("PathwayID"),
      cols("PathwayID", "TEXT", "Person_ID", "TEXT", "ReferralRequestReceivedDate", "DATE", "ServDischDate", "DATE",
          "EndCode", "TEXT")),
  IDS201CareContact(
      List.of("Unique_CareContactID"),
      cols("Unique_CareContactID", "TEXT", "PathwayID", "TEXT", "CareContDate", "DATE", "CareContTime", "TIME",
          "AppType", "TEXT", "AttendOrDNACode", "TEXT", "CareProfLocalId", "TEXT")),
  IDS202CareActivity(
      List.of("Unique_CareActivityID"),
      cols("Unique_CareActivityID", "TEXT", "Unique_CareContactID", "TEXT", "PathwayID", "TEXT",
          "CodeProcAndProcStatus", "TEXT")),
  IDS603PresentingComplaints(
      List.of("PathwayID", "PresComp"),
      cols("PathwayID", "TEXT", "PresComp", "TEXT", "PresCompDate", "DATE")),
  IDS606CodedScoreAssessmentRefer(
      List.of("UniqueID_IDS606"),
      cols("UniqueID_IDS606", "TEXT", "PathwayID", "TEXT", "CodedAssToolType", "TEXT", "PersScore", "SCORE",
          "AssToolCompDate", "DATE")),
  IDS607CodedScoreAssessmentAct(
      List.of("UniqueID_IDS607"),
      cols("UniqueID_IDS607", "TEXT", "PathwayID", "TEXT", "Unique_CareContactID", "TEXT", "CodedAssToolType",
          "TEXT", "PersScore", "SCORE"));

  /** Columns every table carries, in this order, before its own. */
  public static final Map<String, ColumnType> SUBMISSION_COLUMNS =
      cols("OrgID_Provider", "TEXT", "Unique_MonthID", "INTEGER", "UniqueSubmissionID", "INTEGER");

  /** The only columns that are pseudonymised (SPEC §1); record ids are kept as delivered. */
  public static final List<String> PSEUDONYMISED = List.of("Person_ID", "PathwayID", "CareProfLocalId");

  private final List<String> key;
  private final Map<String, ColumnType> own;

  IdsTable(List<String> key, Map<String, ColumnType> own) {
    this.key = key;
    this.own = own;
  }

  /** Key columns: the row from the latest submission wins per key. */
  public List<String> key() {
    return key;
  }

  /**
   * True for the tables of the referral and its client (person, referral, presenting complaints): SPEC §1 has a
   * referral stay in every month's submission while it is open, so most of their keys are delivered many times.
   * Events (contacts, activities, scores) are delivered once each, save for corrections.
   */
  public boolean resubmittedWhileOpen() {
    return this == IDS001MPI || this == IDS101Referral || this == IDS603PresentingComplaints;
  }

  /** Required columns with their types: the submission columns first, then the table's own. */
  public Map<String, ColumnType> required() {
    Map<String, ColumnType> all = new LinkedHashMap<>(SUBMISSION_COLUMNS);
    all.putAll(own);
    return all;
  }

  /** The file name stem in an extract folder ({@code IDS101Referral.csv}). */
  public String fileStem() {
    return name();
  }

  /** The table's name in the lakehouse layers ({@code bronze.ids101referral}). */
  public String tableName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The table a file name ({@code IDS101Referral.csv} or {@code .parquet}) belongs to, if any. */
  public static Optional<IdsTable> forFileName(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String stem = dot < 0 ? fileName : fileName.substring(0, dot);
    return Arrays.stream(values()).filter(t -> t.fileStem().equalsIgnoreCase(stem)).findFirst();
  }

  private static Map<String, ColumnType> cols(String... pairs) {
    Map<String, ColumnType> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], ColumnType.valueOf(pairs[i + 1]));
    }
    return m;
  }
}
