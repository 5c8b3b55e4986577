package uk.nhs.tto.conform;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.ingest.IdsTable;

class QuarantineTest {

  @Test
  void quarantineTablesHaveTheLakeContractsColumnsAndTypes() {
    // lake-contract: _source_file, _source_sha256, _line LONG, _ingested_at TIMESTAMP, _service_id, _month_id INT,
    // stage, rule, message, record.
    assertThat(Quarantine.SCHEMA.fieldNames())
        .containsExactly("_source_file", "_source_sha256", "_line", "_ingested_at", "_service_id", "_month_id",
            "stage", "rule", "message", "record");
    assertThat(Quarantine.SCHEMA.apply("_line").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(Quarantine.SCHEMA.apply("_ingested_at").dataType()).isEqualTo(DataTypes.TimestampType);
    assertThat(Quarantine.SCHEMA.apply("_month_id").dataType()).isEqualTo(DataTypes.IntegerType);
    assertThat(Quarantine.tableOf(IdsTable.IDS101Referral)).isEqualTo("quarantine.ids101referral");
  }

  @Test
  void derivesRuleIdsAreTheContractsStableIds() {
    assertThat(Quarantine.RULES)
        .containsExactly("ROW_REQUIRED_MISSING", "ROW_DATE_AFTER_MONTH", "ROW_DISCHARGE_BEFORE_REFERRAL",
            "ROW_UNKNOWN_MEASURE", "ROW_SCORE_NOT_NUMBER", "ROW_SCORE_OUT_OF_RANGE", "ROW_ORPHAN");
  }
}
