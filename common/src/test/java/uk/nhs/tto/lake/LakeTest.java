package uk.nhs.tto.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class LakeTest {

  private final SparkSession spark;

  LakeTest(SparkSession spark) {
    this.spark = spark;
  }

  /** Rows shaped like a bronze table's: lineage columns, then delivered ones. */
  private Dataset<Row> referrals() {
    return spark.sql(
        "SELECT * FROM VALUES ('S1', 'p-b', '7'), ('S2', 'p-a', '3') AS t(_service_id, PathwayID, EndCode)");
  }

  /** The file statistics of the table's first commit, as Delta wrote them into its log. */
  private Row firstCommitStats(Lake lake, String name) {
    String log = lake.path(name) + "/_delta_log/00000000000000000000.json";
    List<Row> adds = spark.read().json(log).where("add IS NOT NULL").select("add.stats").collectAsList();
    assertThat(adds).hasSize(1);
    Dataset<Row> stats = spark.read().json(spark.createDataset(List.of(adds.get(0).getString(0)),
        org.apache.spark.sql.Encoders.STRING()));
    return stats.first();
  }

  @Test
  void aNewTableKeepsMinMaxStatisticsOnlyOnItsSkippingColumnsAndAlwaysItsRowCount(@TempDir Path dir) {
    Lake lake = new Lake(spark, dir.toString());
    lake.overwrite("bronze.ids101referral", referrals().coalesce(1));

    Row stats = firstCommitStats(lake, "bronze.ids101referral");
    assertThat(stats.getLong(stats.fieldIndex("numRecords"))).isEqualTo(2);
    Row min = stats.getStruct(stats.fieldIndex("minValues"));
    Row max = stats.getStruct(stats.fieldIndex("maxValues"));
    assertThat(min.schema().fieldNames()).containsExactly("_service_id");
    assertThat(min.getString(0)).isEqualTo("S1");
    assertThat(max.getString(0)).isEqualTo("S2");
    assertThat(lake.delta("bronze.ids101referral").detail().select("properties").first().getJavaMap(0))
        .containsEntry("delta.dataSkippingStatsColumns", "_service_id");
  }

  @Test
  void aTableDeriveRewritesWholeKeepsOnlyItsRowCount(@TempDir Path dir) {
    // Derive's files each span every service and measure, so their ranges could skip no file.
    Lake lake = new Lake(spark, dir.toString());
    lake.append("gold.score_pairs",
        spark.sql("SELECT * FROM VALUES ('p-a', 'S1', 'PHQ9', 5), ('p-b', 'S2', 'GAD7', -3)"
            + " AS t(PathwayID, service_id, measure, change)").coalesce(1));

    Row stats = firstCommitStats(lake, "gold.score_pairs");
    assertThat(stats.schema().fieldNames()).containsExactly("numRecords");
    assertThat(stats.getLong(0)).isEqualTo(2);
  }

  @Test
  void aFilterOnASkippingColumnReadsOnlyTheFilesThatCanMatch(@TempDir Path dir) {
    Lake lake = new Lake(spark, dir.toString());
    lake.overwrite("bronze.ids101referral", referrals().where("_service_id = 'S1'").coalesce(1));
    lake.append("bronze.ids101referral", referrals().where("_service_id = 'S2'").coalesce(1));

    Dataset<Row> s2 = lake.read("bronze.ids101referral").where(functions.col("_service_id").equalTo("S2"));
    assertThat(s2.inputFiles()).hasSize(1);
    assertThat(s2.select("PathwayID").first().getString(0)).isEqualTo("p-a");
  }
}
