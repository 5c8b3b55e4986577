package uk.nhs.tto.conform;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.ingest.IdsTable;

/**
 * The bronze layout of the lake contract as derive relies on it: every delivered column a STRING, followed by
 * the lineage columns ingest adds. Derive reads bronze against it and reads an absent table as empty with it.
 */
public final class BronzeSchema {

  /** The lineage columns ingest adds to every bronze row, with their types. */
  public static final StructType LINEAGE =
      new StructType()
          .add("_source_file", DataTypes.StringType)
          .add("_source_sha256", DataTypes.StringType)
          .add("_line", DataTypes.LongType)
          .add("_ingested_at", DataTypes.TimestampType)
          .add("_service_id", DataTypes.StringType)
          .add("_month_id", DataTypes.IntegerType)
          .add("_batch_id", DataTypes.StringType);

  /** Names of {@link #LINEAGE}. */
  public static final List<String> LINEAGE_NAMES = Arrays.asList(LINEAGE.fieldNames());

  private BronzeSchema() {}

  /** A bronze table holding {@code delivered} columns (as STRING) and the lineage columns. */
  public static StructType of(List<String> delivered) {
    StructType schema = new StructType();
    for (String c : delivered) {
      schema = schema.add(c, DataTypes.StringType);
    }
    for (var field : LINEAGE.fields()) {
      schema = schema.add(field);
    }
    return schema;
  }

  /** A bronze table with exactly the required columns of {@code table}. */
  public static StructType of(IdsTable table) {
    return of(List.copyOf(table.required().keySet()));
  }
}
