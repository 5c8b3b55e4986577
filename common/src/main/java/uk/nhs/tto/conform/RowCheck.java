package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * One row rule of SPEC §1 checked on a winning row: the rule id, the condition under which a row breaks it,
 * and the human explanation (what is wrong in which column, and how to fix it). The factories below are the
 * derive rules; {@link #message} prefixes the file and line.
 *
 * @param rule stable rule id ({@link Quarantine})
 * @param broken true when the row breaks the rule (null counts as not broken)
 * @param detail what is wrong, naming the column and (unless it is an identifier) the value
 * @param fix how to put it right
 */
public record RowCheck(String rule, Column broken, Column detail, String fix) {

  /** The message stored with the quarantined row: file, line, what, rule and fix. */
  public Column message() {
    return concat(
        col("_source_file"), lit(" line "), col("_line").cast("string"), lit(": "), detail,
        lit(" (rule " + rule + "); " + fix + " — the row has been quarantined"));
  }

  /**
   * Required values: {@code missingWhen} maps each IDS column name to the condition under which its value
   * counts as missing (usually "is null"; EndCode only once the referral is discharged).
   */
  public static RowCheck required(Map<String, Column> missingWhen) {
    Column broken = lit(false);
    Column[] names = new Column[missingWhen.size()];
    int i = 0;
    for (Map.Entry<String, Column> e : missingWhen.entrySet()) {
      broken = broken.or(e.getValue());
      names[i++] = when(e.getValue(), lit(e.getKey()));
    }
    return new RowCheck(
        Quarantine.REQUIRED_MISSING,
        broken,
        concat(lit("required value missing: "), concat_ws(", ", names)),
        "deliver the value in the next submission (ServDischDate and EndCode may be empty only while the referral"
            + " is open)");
  }

  /** Dates after the last day of the row's submission month; {@code dates} maps IDS names to typed dates. */
  public static RowCheck datesWithinMonth(Map<String, Column> dates) {
    Column monthEnd = MonthIdColumns.monthEnd(col("_month_id"));
    Column broken = lit(false);
    Column[] details = new Column[dates.size()];
    int i = 0;
    for (Map.Entry<String, Column> e : dates.entrySet()) {
      Column after = e.getValue().gt(monthEnd);
      broken = broken.or(after);
      details[i++] =
          when(after,
              concat(lit(e.getKey() + " "), iso(e.getValue()), lit(" is after "), iso(monthEnd),
                  lit(", the last day of submission month "), col("_month_id").cast("string")));
    }
    return new RowCheck(
        Quarantine.DATE_AFTER_MONTH,
        broken,
        concat_ws("; ", details),
        "correct the date, or submit the row in the month it belongs to");
  }

  /** A discharge before the referral was received. */
  public static RowCheck dischargeNotBeforeReferral(Column referralDate, Column dischargeDate) {
    return new RowCheck(
        Quarantine.DISCHARGE_BEFORE_REFERRAL,
        dischargeDate.lt(referralDate),
        concat(lit("ServDischDate "), iso(dischargeDate), lit(" is before ReferralRequestReceivedDate "),
            iso(referralDate)),
        "correct either date in the extract");
  }

  /** A CodedAssToolType the measure catalogue does not list ({@code measure} is null after the join). */
  public static RowCheck knownMeasure(Column code, Column measure) {
    return new RowCheck(
        Quarantine.UNKNOWN_MEASURE,
        measure.isNull(),
        concat(lit("CodedAssToolType '"), code, lit("' is not in the measure catalogue")),
        "add the code to conf/measures.csv if it is a measure to score (then re-run derive), or correct the code");
  }

  /** A PersScore that is not a whole number ({@code numeric} is its parsed value or null). */
  public static RowCheck scoreIsNumber(Column raw, Column numeric, Column code) {
    return new RowCheck(
        Quarantine.SCORE_NOT_NUMBER,
        numeric.isNull(),
        concat(lit("PersScore '"), raw, lit("' for CodedAssToolType "), code, lit(" is not a whole number")),
        "deliver the score as digits");
  }

  /** A score outside the range of its code (item range for an item, total range for a total, SPEC §2). */
  public static RowCheck scoreInRange(Column numeric, Column raw, Column code, Column measure, Column min,
      Column max) {
    return new RowCheck(
        Quarantine.SCORE_OUT_OF_RANGE,
        numeric.lt(min).or(numeric.gt(max)),
        concat(lit("PersScore "), raw, lit(" for CodedAssToolType "), code, lit(" ("), measure,
            lit(") is outside its valid range "), min.cast("string"), lit("–"), max.cast("string")),
        "correct the score; out-of-range scores are not clamped");
  }

  /** A row whose parent is missing or was quarantined ({@code found} is true when the parent was found). */
  public static RowCheck hasParent(Column found, Column detail) {
    return new RowCheck(
        Quarantine.ORPHAN,
        found.isNull(),
        detail,
        "deliver the referral or care contact it belongs to, or correct its PathwayID / Unique_CareContactID");
  }

  /** The checks in order, as a status column: the first broken rule's id, else {@code otherwise}. */
  static Column firstBroken(List<RowCheck> checks, Column otherwise) {
    Column status = null;
    for (RowCheck c : checks) {
      status = status == null ? when(c.broken(), lit(c.rule())) : status.when(c.broken(), lit(c.rule()));
    }
    return status == null ? otherwise : status.otherwise(otherwise);
  }

  /**
   * The message of the rule a row was quarantined under, given its {@code status} from {@link #firstBroken};
   * null for any other status. Checks are distinct rules within one table, so the rule id picks the message.
   */
  static Column messageFor(Column status, List<RowCheck> checks) {
    if (checks.stream().map(RowCheck::rule).distinct().count() != checks.size()) {
      throw new IllegalArgumentException("Each check of a table must be a different rule, cannot be: " + checks);
    }
    Column message = null;
    for (RowCheck c : checks) {
      Column isThis = status.equalTo(lit(c.rule()));
      message = message == null ? when(isThis, c.message()) : message.when(isThis, c.message());
    }
    return message == null ? lit(null).cast("string") : message;
  }

  private static Column iso(Column date) {
    return date_format(date, "yyyy-MM-dd");
  }
}
