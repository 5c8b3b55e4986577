package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.year;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code Unique_MonthID} arithmetic as Spark columns, matching {@link uk.nhs.tto.ingest.MonthId} (month 1 is
 * April 1900), so that month rules run inside the data-scale plan rather than on the driver.
 */
public final class MonthIdColumns {

  private static final LocalDate MONTH_ONE = LocalDate.of(1900, 4, 1);

  private MonthIdColumns() {}

  /** The last day of a submission month: no date of that month's submission may lie after it. */
  public static Column monthEnd(Column monthId) {
    return last_day(add_months(lit(java.sql.Date.valueOf(MONTH_ONE)), monthId.minus(1)));
  }

  /** The Unique_MonthID a date falls in, e.g. 2024-04-15 → 1489. */
  public static Column of(Column date) {
    return year(date).minus(1900).multiply(12).plus(month(date)).minus(3).cast(DataTypes.IntegerType);
  }
}
