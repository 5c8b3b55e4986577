package uk.nhs.tto.pairs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.tto.catalog.MeasureCatalog;
import uk.nhs.tto.conform.ContactCodes;

/**
 * gold.score_pairs (SPEC §3): for each course and measure, the first and last valid score, when the course has
 * valid scores of the measure on at least two occasions.
 *
 * <ul>
 *   <li>An occasion is an IDS607 score's care contact, or an IDS606 score's AssToolCompDate; IDS606 and IDS607
 *       scores on the same day are two occasions.
 *   <li>A score is valid when its occasion lies between the referral and the discharge, both inclusive (an
 *       open referral has no end yet), and, for IDS607, its contact was attended and not a follow-up.
 *   <li>A code scored more than once on one occasion: the greatest record id stands.
 *   <li>A multi-item measure (WSAS, phobia) has a total on an occasion only when every item is scored there.
 *   <li>Occasions are ordered by date, then IDS606 before IDS607, then contact time (missing first), then
 *       Unique_CareContactID, all in string order of delivered values.
 * </ul>
 */
public final class ScorePairs {

  /** The ordering key of an occasion, in SPEC §3 order; every field is non-null so ties are explicit. */
  private static final String[] OCCASION = {"o_date", "o_source", "o_time", "o_contact"};

  private ScorePairs() {}

  /**
   * Score pairs from silver.assessments and silver.referrals: {@code PathwayID, service_id, measure, domain,
   * first_score, last_score INT, first_date, last_date DATE, n_scores INT, change INT}.
   */
  public static Dataset<Row> derive(Dataset<Row> assessments, Dataset<Row> referrals, MeasureCatalog catalogue) {
    Dataset<Row> totals = occasionTotals(validScores(assessments, referrals), catalogue);
    Column occasion = struct(col("o_date"), col("o_source"), col("o_time"), col("o_contact"), col("total"));
    return totals
        .groupBy("pathway_id", "service_id", "measure", "domain")
        .agg(count(lit(1)).as("n_scores"), min(occasion).as("first"), max(occasion).as("last"))
        .filter(col("n_scores").geq(2))
        .select(
            col("pathway_id").as("PathwayID"),
            col("service_id"),
            col("measure"),
            col("domain"),
            col("first.total").as("first_score"),
            col("last.total").as("last_score"),
            col("first.o_date").as("first_date"),
            col("last.o_date").as("last_date"),
            col("n_scores").cast(DataTypes.IntegerType).as("n_scores"),
            col("last.total").minus(col("first.total")).as("change"));
  }

  /**
   * The valid scores of every course with their occasion key: the referral window and, for IDS607, an attended
   * contact that is not a follow-up. {@code service_id} becomes the course's (the referral's) service.
   */
  static Dataset<Row> validScores(Dataset<Row> assessments, Dataset<Row> referrals) {
    Dataset<Row> windows =
        referrals.select(
            col("pathway_id").as("_r_pathway"), col("service_id").as("_r_service"), col("referral_date"),
            col("discharge_date"));
    Column inWindow =
        col("occasion_date").geq(col("referral_date"))
            .and(col("discharge_date").isNull().or(col("occasion_date").leq(col("discharge_date"))));
    Column fromReferral = col("source").equalTo("IDS606");
    Column contactCounts = ContactCodes.scoresCount(col("app_type"), col("attend_code"));
    // A shuffle join, even when the referrals would fit a broadcast: it partitions the scores by PathwayID, which
    // every aggregation after it groups by (with more keys), so this is the only shuffle of the score rows. A
    // broadcast join left each of the three aggregations its own shuffle.
    return assessments
        .join(windows.hint("shuffle_merge"), assessments.col("pathway_id").equalTo(windows.col("_r_pathway")))
        .filter(inWindow.and(fromReferral.or(contactCounts)))
        .select(
            col("pathway_id"),
            col("_r_service").as("service_id"),
            col("measure"),
            col("domain"),
            col("code"),
            col("record_id"),
            col("score"),
            col("occasion_date").as("o_date"),
            when(fromReferral, 0).otherwise(1).as("o_source"),
            // "" sorts before every HH:mm, so a missing time comes first; IDS606 occasions have no contact.
            coalesce(col("occasion_time"), lit("")).as("o_time"),
            coalesce(col("contact_id"), lit("")).as("o_contact"));
  }

  /**
   * One row per course, measure and occasion that has a total: the greatest record id of each code on the
   * occasion stands, and a multi-item measure needs all its items.
   */
  static Dataset<Row> occasionTotals(Dataset<Row> validScores, MeasureCatalog catalogue) {
    Dataset<Row> needed =
        catalogue.codes(validScores.sparkSession())
            .select(col("measure").as("_n_measure"), col("items_needed"))
            .distinct();
    Column[] occasionKeys = keys("pathway_id", "service_id", "measure", "domain");
    Dataset<Row> perCode =
        validScores
            .groupBy(append(occasionKeys, col("code")))
            .agg(max(struct(col("record_id"), col("score"))).as("kept"))
            .withColumn("score", col("kept.score"));
    Dataset<Row> perOccasion =
        perCode.groupBy(occasionKeys).agg(count(lit(1)).as("items"), sum(col("score")).as("total"));
    return perOccasion
        .join(broadcast(needed), perOccasion.col("measure").equalTo(needed.col("_n_measure")))
        .filter(col("items").equalTo(col("items_needed")))
        .select(
            col("pathway_id"), col("service_id"), col("measure"), col("domain"), col("o_date"), col("o_source"),
            col("o_time"), col("o_contact"), col("total").cast(DataTypes.IntegerType).as("total"));
  }

  private static Column[] keys(String... courseKeys) {
    Column[] out = new Column[courseKeys.length + OCCASION.length];
    for (int i = 0; i < courseKeys.length; i++) {
      out[i] = col(courseKeys[i]);
    }
    for (int i = 0; i < OCCASION.length; i++) {
      out[courseKeys.length + i] = col(OCCASION[i]);
    }
    return out;
  }

  private static Column[] append(Column[] cols, Column extra) {
    Column[] out = java.util.Arrays.copyOf(cols, cols.length + 1);
    out[cols.length] = extra;
    return out;
  }
}
