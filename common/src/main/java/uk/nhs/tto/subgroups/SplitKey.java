package uk.nhs.tto.subgroups;

import static org.apache.spark.sql.functions.concat_ws;

import org.apache.spark.sql.Column;

/**
 * The key of one subgroup model: measure, dimension and level, written as one string ({@code PHQ9|age_band|26-35})
 * so that every subgroup of every measure can be one split of a single aggregation.
 */
public record SplitKey(String measure, Dimension dimension, String level) {

  static final String SEPARATOR = "|";

  /** The split value as the aggregation sees it. */
  public String encode() {
    return measure + SEPARATOR + dimension.id() + SEPARATOR + level;
  }

  /** Reads a split value written by {@link #column} (the level may itself contain the separator). */
  public static SplitKey parse(String split) {
    String[] parts = split.split("\\" + SEPARATOR, 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("Not a subgroup split key (measure|dimension|level), cannot be: " + split);
    }
    return new SplitKey(parts[0], Dimension.fromId(parts[1]), parts[2]);
  }

  /** The same key as a Spark expression from a measure column, a dimension id column and a level column. */
  static Column column(Column measure, Column dimensionId, Column level) {
    return concat_ws(SEPARATOR, measure, dimensionId, level);
  }

  /** The key of a measure's national model (dimension {@link Dimension#ALL}). */
  static SplitKey national(String measure) {
    return new SplitKey(measure, Dimension.ALL, "all");
  }
}
