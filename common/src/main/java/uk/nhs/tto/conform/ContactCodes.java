package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * The care-contact codes the definitions rest on (SPEC §1, §3), and their normal written form in silver:
 * {@code AppType} two digits ({@code 02}), {@code AttendOrDNACode} without leading zeros ({@code 5}), so that a
 * value a spreadsheet re-typed ({@code 2}, {@code 05}) still means what the data set says it means.
 */
public final class ContactCodes {

  /** AppType of a follow-up contact, whose scores do not count. */
  public static final String FOLLOW_UP = "06";

  private static final Object[] TREATMENT_APP_TYPES = {"02", "03", "05"};
  private static final Object[] ATTENDED = {"5", "6"};

  private ContactCodes() {}

  /** AppType as two digits when it is one digit; anything else as delivered. */
  public static Column normalAppType(Column appType) {
    return when(appType.rlike("^[0-9]$"), lpad(appType, 2, "0")).otherwise(appType);
  }

  /** AttendOrDNACode without leading zeros. */
  public static Column normalAttendCode(Column attendCode) {
    return regexp_replace(attendCode, "^0+(?=[0-9])", "");
  }

  /** Seen: attended on time (5) or late but seen (6). */
  public static Column attended(Column attendCode) {
    return attendCode.isin(ATTENDED);
  }

  /** A treatment contact: AppType 02, 03 or 05, and attended. */
  public static Column treatment(Column appType, Column attendCode) {
    return appType.isin(TREATMENT_APP_TYPES).and(attended(attendCode));
  }

  /** A contact whose scores count (SPEC §3 Valid score): attended and not a follow-up. */
  public static Column scoresCount(Column appType, Column attendCode) {
    return attended(attendCode).and(appType.notEqual(lit(FOLLOW_UP)));
  }
}
