package uk.nhs.tto.conform;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The quarantine tables' contract (lake-contract): one table per IDS table, rows from stage {@code ingest}
 * and {@code derive}; derive replaces its own rows on every run. Rule ids are stable: automation counts them.
 */
public final class Quarantine {

  /** Stage value of the rows derive writes. */
  public static final String STAGE = "derive";

  /** A required value is missing (ServDischDate and EndCode may be empty while a referral is open). */
  public static final String REQUIRED_MISSING = "ROW_REQUIRED_MISSING";

  /** A date lies after the last day of the row's submission month. */
  public static final String DATE_AFTER_MONTH = "ROW_DATE_AFTER_MONTH";

  /** ServDischDate is before ReferralRequestReceivedDate. */
  public static final String DISCHARGE_BEFORE_REFERRAL = "ROW_DISCHARGE_BEFORE_REFERRAL";

  /** PersScore is not a whole number. */
  public static final String SCORE_NOT_NUMBER = "ROW_SCORE_NOT_NUMBER";

  /** PersScore is outside its item or total range (SPEC §2). */
  public static final String SCORE_OUT_OF_RANGE = "ROW_SCORE_OUT_OF_RANGE";

  /** CodedAssToolType is not in the measure catalogue. */
  public static final String UNKNOWN_MEASURE = "ROW_UNKNOWN_MEASURE";

  /** The row's referral (or care contact) is missing or was quarantined. */
  public static final String ORPHAN = "ROW_ORPHAN";

  /** Every derive rule, in the order a row is checked: a row is quarantined under the first it breaks. */
  public static final List<String> RULES =
      List.of(REQUIRED_MISSING, DATE_AFTER_MONTH, DISCHARGE_BEFORE_REFERRAL, UNKNOWN_MEASURE, SCORE_NOT_NUMBER,
          SCORE_OUT_OF_RANGE, ORPHAN);

  /**
   * The quarantine tables' columns (lake contract): bronze lineage but the batch, then stage, rule, message,
   * record.
   */
  public static final StructType SCHEMA = schema();

  /** The quarantine table of an IDS table, e.g. {@code quarantine.ids101referral}. */
  public static String tableOf(uk.nhs.tto.ingest.IdsTable table) {
    return "quarantine." + table.tableName();
  }

  private Quarantine() {}

  private static StructType schema() {
    StructType schema = new StructType();
    for (var field : BronzeSchema.LINEAGE.fields()) {
      // The batch is ingest's bookkeeping; a quarantine row names its file, line and ingestion instead.
      if (!field.name().equals("_batch_id")) {
        schema = schema.add(field);
      }
    }
    return schema
        .add("stage", DataTypes.StringType)
        .add("rule", DataTypes.StringType)
        .add("message", DataTypes.StringType)
        .add("record", DataTypes.StringType);
  }
}
