package uk.nhs.tto.courses;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.tto.catalog.TherapyCodes;
import uk.nhs.tto.cohorts.CohortAssignment;
import uk.nhs.tto.cohorts.CohortDefinition;
import uk.nhs.tto.conform.ContactCodes;
import uk.nhs.tto.conform.MonthIdColumns;
import uk.nhs.tto.conform.SilverTables;
import uk.nhs.tto.metrics.OutcomeFlags;
import uk.nhs.tto.metrics.Thresholds;

/**
 * gold.courses: one row per accepted referral (course of treatment) with what SPEC §3–§5 say about it —
 * treatment contacts and whether it finished, intensity, therapist, client attributes, cohort, the PHQ-9 and
 * GAD-7 pairs and the outcome flags. Every part is an aggregation by PathwayID joined to the referrals, so the
 * whole table costs a few shuffles of the silver tables.
 */
public final class Courses {

  /** gold.courses columns, in the lake contract's order. */
  public static final List<String> COLUMNS =
      List.of(
          "PathwayID", "Person_ID", "service_id", "referral_date", "discharge_date", "end_code", "finished",
          "treatment_contacts", "first_treatment_date", "last_treatment_date", "intensity", "therapist",
          "discharge_month_id", "age", "age_band", "gender", "gender_label", "ethnic_category", "ethnic_group",
          "imd_decile", "imd_quintile", "personality_difficulty", "cohort", "phq9_first", "phq9_last", "gad7_first",
          "gad7_last", "caseness", "recovered", "reliably_improved", "reliably_deteriorated", "reliably_recovered");

  private Courses() {}

  /** Builds gold.courses from the silver tables, gold.score_pairs and the configuration. */
  public static Dataset<Row> derive(
      SilverTables silver,
      Dataset<Row> scorePairs,
      TherapyCodes therapyCodes,
      List<CohortDefinition> cohorts,
      Thresholds thresholds) {
    Dataset<Row> courses =
        silver.referrals()
            .select(
                col("pathway_id"), col("person_id"), col("service_id"), col("referral_date"),
                col("discharge_date"), col("end_code"))
            .join(treatment(silver.contacts()), "pathway_id", "left")
            .join(intensity(silver.activities(), therapyCodes), "pathway_id", "left")
            .join(personalityDifficulty(silver.complaints()), "pathway_id", "left")
            .join(keyPairs(scorePairs), "pathway_id", "left")
            .join(client(silver.persons()), "person_id", "left")
            .withColumn("treatment_contacts", coalesce(col("treatment_contacts"), lit(0)))
            .withColumn("personality_difficulty", coalesce(col("personality_difficulty"), lit(false)))
            .withColumn(
                "finished", col("discharge_date").isNotNull().and(col("treatment_contacts").geq(2)))
            .withColumn("discharge_month_id", MonthIdColumns.of(col("discharge_date")))
            // After the join, so that a client missing from IDS001MPI reads as "Not stated", not null.
            .withColumn("age_band", ClientAttributes.ageBand(col("age")))
            .withColumn("gender_label", ClientAttributes.genderLabel(col("gender")))
            .withColumn("ethnic_group", ClientAttributes.ethnicGroup(col("ethnic_category")))
            .withColumn("imd_quintile", ClientAttributes.imdQuintile(col("imd_decile")));
    Dataset<Row> flagged =
        OutcomeFlags.apply(CohortAssignment.assign(courses, cohorts), thresholds)
            .withColumnRenamed("pathway_id", "PathwayID")
            .withColumnRenamed("person_id", "Person_ID");
    return flagged.select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * Per course: treatment contacts (AppType 02/03/05, attended), first and last treatment date, and the
   * therapist — the CareProfLocalId with most treatment contacts, ties to the earliest first treatment contact
   * (date, then time with a missing time first, then Unique_CareContactID in string order).
   */
  static Dataset<Row> treatment(Dataset<Row> contacts) {
    Column earliest =
        struct(
            col("contact_date").as("date"), coalesce(col("contact_time"), lit("")).as("time"),
            col("contact_id").as("id"));
    Dataset<Row> perTherapist =
        contacts
            .filter(ContactCodes.treatment(col("app_type"), col("attend_code")))
            .groupBy("pathway_id", "care_prof_id")
            .agg(count(lit(1)).as("n"), min(earliest).as("first"), max(col("contact_date")).as("last_date"));
    // The smallest (−contacts, first contact) is the most contacts, then the earliest first contact.
    Column choice = struct(negate(col("n")).as("rank"), col("first"), col("care_prof_id"));
    return perTherapist
        .groupBy("pathway_id")
        .agg(
            sum(col("n")).cast(DataTypes.IntegerType).as("treatment_contacts"),
            min(col("first.date")).as("first_treatment_date"),
            max(col("last_date")).as("last_treatment_date"),
            min(choice).getField("care_prof_id").as("therapist"));
  }

  /** HIGH when any activity of the course carries a high-intensity code, else LOW when any carries a low one. */
  static Dataset<Row> intensity(Dataset<Row> activities, TherapyCodes therapyCodes) {
    Dataset<Row> codes = therapyCodes.codes(activities.sparkSession());
    Column rank = when(col("intensity").equalTo(TherapyCodes.Intensity.HIGH.name()), 2).otherwise(1);
    return activities
        .join(broadcast(codes), activities.col("therapy_code").equalTo(codes.col("code")))
        .groupBy("pathway_id")
        .agg(max(rank).as("rank"))
        .select(
            col("pathway_id"),
            when(col("rank").equalTo(2), lit(TherapyCodes.Intensity.HIGH.name()))
                .otherwise(lit(TherapyCodes.Intensity.LOW.name()))
                .as("intensity"));
  }

  /** Courses with any presenting complaint in ICD-10 F60 or F61 (personality disorders). */
  static Dataset<Row> personalityDifficulty(Dataset<Row> complaints) {
    Column code = upper(col("complaint_code"));
    return complaints
        .filter(code.startsWith("F60").or(code.startsWith("F61")))
        .select(col("pathway_id"))
        .distinct()
        .withColumn("personality_difficulty", lit(true));
  }

  /** The PHQ-9 and GAD-7 pairs of each course side by side (null when that measure is unpaired). */
  static Dataset<Row> keyPairs(Dataset<Row> scorePairs) {
    return scorePairs
        .filter(col("measure").isin(Thresholds.PHQ9, Thresholds.GAD7))
        .groupBy(col("PathwayID").as("pathway_id"))
        .agg(
            pairValue(Thresholds.PHQ9, "first_score").as("phq9_first"),
            pairValue(Thresholds.PHQ9, "last_score").as("phq9_last"),
            pairValue(Thresholds.GAD7, "first_score").as("gad7_first"),
            pairValue(Thresholds.GAD7, "last_score").as("gad7_last"));
  }

  private static Column pairValue(String measure, String field) {
    return max(when(col("measure").equalTo(measure), col(field)));
  }

  /** Delivered client attributes by Person_ID. */
  static Dataset<Row> client(Dataset<Row> persons) {
    return persons.select(col("person_id"), col("age"), col("gender"), col("ethnic_category"), col("imd_decile"));
  }
}
