package uk.nhs.tto.courses;

import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * The client attributes gold.courses derives from IDS001MPI for subgroup analyses (lake contract): age band,
 * gender label, ONS five-group ethnicity and IMD quintile. Unknown inputs give null, never a guess.
 */
public final class ClientAttributes {

  private ClientAttributes() {}

  /** "under 16", "16-25", "26-35", "36-45", "46-55", "56-65", "66+"; null when age is unknown. */
  public static Column ageBand(Column age) {
    return when(age.lt(16), lit("under 16"))
        .when(age.leq(25), lit("16-25"))
        .when(age.leq(35), lit("26-35"))
        .when(age.leq(45), lit("36-45"))
        .when(age.leq(55), lit("46-55"))
        .when(age.leq(65), lit("56-65"))
        .when(age.geq(66), lit("66+"));
  }

  /** Gender code (1, 2, 9, X) as a label; null for any other code. */
  public static Column genderLabel(Column gender) {
    Column g = upper(gender);
    return when(g.equalTo("1"), lit("male"))
        .when(g.equalTo("2"), lit("female"))
        .when(g.equalTo("9"), lit("indeterminate"))
        .when(g.equalTo("X"), lit("not known"));
  }

  /**
   * NHS ethnic category as the ONS five groups: A–C White, D–G Mixed, H–L Asian, M–P Black, R–S Other;
   * Z, 99 and a missing category "Not stated"; an unrecognised code null.
   */
  public static Column ethnicGroup(Column category) {
    Column c = upper(category);
    return when(c.isNull().or(c.isin("Z", "99")), lit("Not stated"))
        .when(c.isin("A", "B", "C"), lit("White"))
        .when(c.isin("D", "E", "F", "G"), lit("Mixed"))
        .when(c.isin("H", "J", "K", "L"), lit("Asian"))
        .when(c.isin("M", "N", "P"), lit("Black"))
        .when(c.isin("R", "S"), lit("Other"));
  }

  /** ceil(decile / 2) for deciles 1–10; null otherwise. */
  public static Column imdQuintile(Column decile) {
    return when(decile.between(1, 10), ceil(decile.divide(2)).cast(DataTypes.IntegerType));
  }
}
