package uk.nhs.tto.pairs;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_date;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

  /** The rows the cogroup returns: gold.score_pairs with its dates as days since 1970-01-01. */
  private static final StructType OUT =
      new StructType()
          .add("PathwayID", DataTypes.StringType)
          .add("service_id", DataTypes.StringType)
          .add("measure", DataTypes.StringType)
          .add("domain", DataTypes.StringType)
          .add("first_score", DataTypes.IntegerType)
          .add("last_score", DataTypes.IntegerType)
          .add("first_day", DataTypes.IntegerType)
          .add("last_day", DataTypes.IntegerType)
          .add("n_scores", DataTypes.IntegerType)
          .add("change", DataTypes.IntegerType);

  private ScorePairs() {}

  /**
   * Score pairs from silver.assessments and silver.referrals: {@code PathwayID, service_id, measure, domain,
   * first_score, last_score INT, first_date, last_date DATE, n_scores INT, change INT}.
   *
   * <p>The scores and referrals are grouped by course in one shuffle (a cogroup) and each course is worked out by
   * {@link CourseScores}. Expressed as a join and three aggregations (per code, per occasion, per measure) on up to
   * nine string keys, the same rules cost about three times the CPU at national size (docs/BENCHMARKS.md).
   */
  public static Dataset<Row> derive(Dataset<Row> assessments, Dataset<Row> referrals, MeasureCatalog catalogue) {
    Map<String, Integer> itemsNeeded = new HashMap<>();
    catalogue.measures().forEach(m -> itemsNeeded.put(m.name(), m.itemsNeeded()));
    CourseScores course = new CourseScores(itemsNeeded);

    Column fromReferral = col("source").equalTo("IDS606");
    // Scores that can never count (an IDS607 contact not attended, or a follow-up) stay out of the shuffle.
    Dataset<Row> scores =
        assessments
            .filter(col("pathway_id").isNotNull()
                .and(fromReferral.or(ContactCodes.scoresCount(col("app_type"), col("attend_code")))))
            .select(
                col("pathway_id"), col("measure"), col("domain"), col("code"), col("record_id"), col("score"),
                unix_date(col("occasion_date")).as("o_day"), fromReferral.as("o_referral"),
                // "" sorts before every HH:mm, so a missing time comes first; IDS606 occasions have no contact.
                coalesce(col("occasion_time"), lit("")).as("o_time"),
                coalesce(col("contact_id"), lit("")).as("o_contact"));
    Dataset<Row> windows =
        referrals
            .filter(col("pathway_id").isNotNull())
            .select(
                col("pathway_id"), col("service_id"), unix_date(col("referral_date")).as("r_day"),
                unix_date(col("discharge_date")).as("d_day"));

    CoGroupFunction<String, Row, Row, Row> pairsOfCourse =
        (pathway, referralRows, scoreRows) -> {
          if (!referralRows.hasNext()) {
            return Collections.emptyIterator();
          }
          List<CourseScores.Score> all = new ArrayList<>();
          scoreRows.forEachRemaining(r -> all.add(new CourseScores.Score(
              r.getString(1), r.getString(2), r.getString(3), r.getString(4), integer(r, 5), integer(r, 6),
              r.getBoolean(7), r.getString(8), r.getString(9))));
          List<Row> out = new ArrayList<>();
          referralRows.forEachRemaining(ref -> {
            for (CourseScores.Pair p : course.pairs(integer(ref, 2), integer(ref, 3), all)) {
              out.add(RowFactory.create(
                  pathway, ref.getString(1), p.measure(), p.domain(), p.first().total(), p.last().total(),
                  p.first().day(), p.last().day(), p.n(), p.last().total() - p.first().total()));
            }
          });
          return out.iterator();
        };
    return windows
        .groupBy(col("pathway_id"))
        .as(Encoders.STRING(), Encoders.row(windows.schema()))
        .cogroup(
            scores.groupBy(col("pathway_id")).as(Encoders.STRING(), Encoders.row(scores.schema())),
            pairsOfCourse,
            Encoders.row(OUT))
        .select(
            col("PathwayID"), col("service_id"), col("measure"), col("domain"), col("first_score"),
            col("last_score"), date_from_unix_date(col("first_day")).as("first_date"),
            date_from_unix_date(col("last_day")).as("last_date"), col("n_scores"), col("change"));
  }

  private static Integer integer(Row r, int i) {
    return r.isNullAt(i) ? null : r.getInt(i);
  }
}
