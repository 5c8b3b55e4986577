package uk.nhs.tto.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.conform.BronzeSchema;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.lake.Lake;

/**
 * Builds bronze tables as the lake contract describes them (every delivered column a STRING, plus lineage),
 * one readable line per row, so derive can be tested without running ingest:
 *
 * <pre>
 * BronzeFixtures bronze = new BronzeFixtures();
 * bronze.submission("S1", 1497)
 *     .referral("P1", "U1", "2024-04-01", "2024-06-28", "46")
 *     .contact("K1", "P1", "2024-04-10", "10:00", "02", "5", "TA");
 * bronze.writeTo(lake);
 * </pre>
 *
 * Lineage follows the contract: {@code _source_file} is {@code <service>/<month>/<Table>.csv}, {@code _line}
 * counts from 2 within each file (the header is line 1), {@code _ingested_at} is a fixed instant.
 */
public final class BronzeFixtures {

  /** The fixed ingestion instant of every fixture row: nothing in derive may depend on the clock. */
  public static final Timestamp INGESTED_AT = Timestamp.valueOf("2025-01-15 09:30:00");

  private final Map<IdsTable, List<Map<String, Object>>> rows = new EnumMap<>(IdsTable.class);
  private final Map<String, Long> nextLine = new HashMap<>();

  /** Rows of one submission: a service's extract for one month with one UniqueSubmissionID. */
  public final class Submission {

    private final String service;
    private final int monthId;
    private final long submissionId;

    private Submission(String service, int monthId, long submissionId) {
      this.service = service;
      this.monthId = monthId;
      this.submissionId = submissionId;
    }

    /** IDS001MPI: Person_ID, Age, Gender, EthnicCategory, IMD_Decile. */
    public Submission person(String personId, String age, String gender, String ethnicCategory, String imdDecile) {
      return row(IdsTable.IDS001MPI, "Person_ID", personId, "Age", age, "Gender", gender, "EthnicCategory",
          ethnicCategory, "IMD_Decile", imdDecile);
    }

    /** IDS101Referral: PathwayID, Person_ID, ReferralRequestReceivedDate, ServDischDate, EndCode. */
    public Submission referral(String pathwayId, String personId, String received, String discharged, String endCode) {
      return row(IdsTable.IDS101Referral, "PathwayID", pathwayId, "Person_ID", personId,
          "ReferralRequestReceivedDate", received, "ServDischDate", discharged, "EndCode", endCode);
    }

    /**
     * IDS201CareContact: Unique_CareContactID, PathwayID, CareContDate, CareContTime, AppType, AttendOrDNACode,
     * CareProfLocalId.
     */
    public Submission contact(
        String contactId, String pathwayId, String date, String time, String appType, String attend, String therapist) {
      return row(IdsTable.IDS201CareContact, "Unique_CareContactID", contactId, "PathwayID", pathwayId,
          "CareContDate", date, "CareContTime", time, "AppType", appType, "AttendOrDNACode", attend,
          "CareProfLocalId", therapist);
    }

    /** IDS202CareActivity: Unique_CareActivityID, Unique_CareContactID, PathwayID, CodeProcAndProcStatus. */
    public Submission activity(String activityId, String contactId, String pathwayId, String therapyCode) {
      return row(IdsTable.IDS202CareActivity, "Unique_CareActivityID", activityId, "Unique_CareContactID", contactId,
          "PathwayID", pathwayId, "CodeProcAndProcStatus", therapyCode);
    }

    /** IDS603PresentingComplaints: PathwayID, PresComp, PresCompDate. */
    public Submission complaint(String pathwayId, String code, String date) {
      return row(IdsTable.IDS603PresentingComplaints, "PathwayID", pathwayId, "PresComp", code, "PresCompDate", date);
    }

    /** IDS606CodedScoreAssessmentRefer: UniqueID_IDS606, PathwayID, CodedAssToolType, PersScore, AssToolCompDate. */
    public Submission referralScore(String recordId, String pathwayId, String tool, String score, String date) {
      return row(IdsTable.IDS606CodedScoreAssessmentRefer, "UniqueID_IDS606", recordId, "PathwayID", pathwayId,
          "CodedAssToolType", tool, "PersScore", score, "AssToolCompDate", date);
    }

    /** IDS607CodedScoreAssessmentAct: UniqueID_IDS607, PathwayID, Unique_CareContactID, CodedAssToolType, PersScore. */
    public Submission contactScore(String recordId, String pathwayId, String contactId, String tool, String score) {
      return row(IdsTable.IDS607CodedScoreAssessmentAct, "UniqueID_IDS607", recordId, "PathwayID", pathwayId,
          "Unique_CareContactID", contactId, "CodedAssToolType", tool, "PersScore", score);
    }

    /** Any row, by column name and value pairs; columns not named are null (extra columns are kept). */
    public Submission row(IdsTable table, String... namesAndValues) {
      String file = service + "/" + monthId + "/" + table.fileStem() + ".csv";
      long line = nextLine.merge(file, 1L, Long::sum) + 1;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("OrgID_Provider", service);
      row.put("Unique_MonthID", Integer.toString(monthId));
      row.put("UniqueSubmissionID", Long.toString(submissionId));
      for (int i = 0; i < namesAndValues.length; i += 2) {
        row.put(namesAndValues[i], namesAndValues[i + 1]);
      }
      row.put("_source_file", file);
      row.put("_source_sha256", sha256(file));
      row.put("_line", line);
      row.put("_ingested_at", INGESTED_AT);
      row.put("_service_id", service);
      row.put("_month_id", monthId);
      row.put("_batch_id", "fixture");
      rows.computeIfAbsent(table, t -> new ArrayList<>()).add(row);
      return this;
    }
  }

  /** A submission with UniqueSubmissionID {@code monthId * 10}. */
  public Submission submission(String service, int monthId) {
    return submission(service, monthId, monthId * 10L);
  }

  public Submission submission(String service, int monthId, long submissionId) {
    return new Submission(service, monthId, submissionId);
  }

  /** How many rows the fixture holds for a table. */
  public int rowCount(IdsTable table) {
    return rows.getOrDefault(table, List.of()).size();
  }

  /** Writes every IDS table to {@code bronze.<table>} (an empty table when it has no rows). */
  public void writeTo(Lake lake) {
    SparkSession spark = lake.spark();
    for (IdsTable table : IdsTable.values()) {
      List<Map<String, Object>> tableRows = rows.getOrDefault(table, List.of());
      Set<String> delivered = new LinkedHashSet<>(table.required().keySet());
      tableRows.forEach(r -> r.keySet().stream().filter(k -> !k.startsWith("_")).forEach(delivered::add));
      StructType schema = BronzeSchema.of(List.copyOf(delivered));
      List<Row> out = new ArrayList<>();
      for (Map<String, Object> r : tableRows) {
        Object[] values = new Object[schema.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = r.get(schema.fields()[i].name());
        }
        out.add(RowFactory.create(values));
      }
      lake.overwrite("bronze." + table.tableName(), spark.createDataFrame(out, schema));
    }
  }

  /** A file of the project's {@code conf/} folder, found from the module directory tests run in. */
  public static Path projectConf(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("conf").resolve(name);
      if (Files.exists(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("conf/" + name + " not found above " + Path.of("").toAbsolutePath());
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
