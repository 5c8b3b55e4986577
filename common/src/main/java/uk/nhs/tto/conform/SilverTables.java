package uk.nhs.tto.conform;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.lake.Lake;

/**
 * The silver layer derive writes: typed, one row per real-world fact after SPEC §1's de-duplication, only rows
 * that passed every row rule. Columns are snake_case; every table carries {@code service_id}, {@code month_id},
 * {@code submission_id} of its winning submission and {@code _source_file}, {@code _line} for lineage.
 *
 * <ul>
 *   <li>{@code silver.persons}: person_id, age INT, gender, ethnic_category, imd_decile INT
 *   <li>{@code silver.referrals}: pathway_id, person_id, referral_date DATE, discharge_date DATE, end_code
 *   <li>{@code silver.contacts}: contact_id, pathway_id, contact_date DATE, contact_time (HH:mm), app_type
 *       (two digits), attend_code, care_prof_id
 *   <li>{@code silver.activities}: activity_id, contact_id, pathway_id, therapy_code
 *   <li>{@code silver.complaints}: pathway_id, complaint_code (ICD-10), complaint_date DATE
 *   <li>{@code silver.assessments}: source (IDS606|IDS607), record_id, pathway_id, contact_id (IDS607 only),
 *       code, measure, domain, score INT, occasion_date DATE, occasion_time (IDS607: the contact's), app_type and
 *       attend_code (IDS607: the contact's)
 * </ul>
 */
public record SilverTables(
    Dataset<Row> persons,
    Dataset<Row> referrals,
    Dataset<Row> contacts,
    Dataset<Row> activities,
    Dataset<Row> complaints,
    Dataset<Row> assessments) {

  public static final String PERSONS = "silver.persons";
  public static final String REFERRALS = "silver.referrals";
  public static final String CONTACTS = "silver.contacts";
  public static final String ACTIVITIES = "silver.activities";
  public static final String COMPLAINTS = "silver.complaints";
  public static final String ASSESSMENTS = "silver.assessments";

  /** Every silver table, in the order derive writes them. */
  public static final List<String> NAMES = List.of(PERSONS, REFERRALS, CONTACTS, ACTIVITIES, COMPLAINTS, ASSESSMENTS);

  /** The silver table an IDS table's accepted rows go to (both scored-assessment tables feed one). */
  public static String of(IdsTable table) {
    return switch (table) {
      case IDS001MPI -> PERSONS;
      case IDS101Referral -> REFERRALS;
      case IDS201CareContact -> CONTACTS;
      case IDS202CareActivity -> ACTIVITIES;
      case IDS603PresentingComplaints -> COMPLAINTS;
      case IDS606CodedScoreAssessmentRefer, IDS607CodedScoreAssessmentAct -> ASSESSMENTS;
    };
  }

  /** The current silver tables of a lakehouse. */
  public static SilverTables read(Lake lake) {
    return new SilverTables(
        lake.read(PERSONS), lake.read(REFERRALS), lake.read(CONTACTS), lake.read(ACTIVITIES),
        lake.read(COMPLAINTS), lake.read(ASSESSMENTS));
  }
}
