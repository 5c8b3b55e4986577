package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import scala.jdk.javaapi.CollectionConverters;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.testing.SparkExtension;

/**
 * The shape of the Spark aggregation to moments: the rows cross the network once, partitioned by parent group, and
 * both aggregations (per lowest-level group, then per parent group and group size) run after that one exchange.
 */
@ExtendWith(SparkExtension.class)
class SparkMomentsPlanTest {

  /**
   * did40 in a session of its own with 4 shuffle partitions: with the test session's single partition Spark
   * needs no exchange to group at all.
   */
  private static Dataset<Row> did40(SparkSession spark) {
    SparkSession own = spark.newSession();
    own.conf().set("spark.sql.shuffle.partitions", "4");
    return own.read().option("header", "true").option("inferSchema", "true")
        .csv(ReferenceData.file("did40.csv").toString());
  }

  @Test
  void nestedModelShufflesTheRowsOnceByParentGroup(SparkSession spark) {
    // The second grouping's key (service, n) starts with the partitioning key (service), so Spark plans no exchange
    // for it; before, the plan had two: by (service, client), then by (service as a string, n).
    List<ShuffleExchangeExec> exchanges = exchanges(plan(did40(spark), "score ~ time*cohort + (1|service_id/client_id)",
        null));
    assertThat(exchanges).hasSize(1);
    assertThat(partitionedBy(exchanges.get(0))).containsExactly("_k0");
  }

  @Test
  void splitFitsShuffleOnceBySplitAndParentGroup(SparkSession spark) {
    List<ShuffleExchangeExec> exchanges = exchanges(plan(did40(spark), "score ~ time + (1|service_id/client_id)",
        "cohort"));
    assertThat(exchanges).hasSize(1);
    assertThat(partitionedBy(exchanges.get(0))).containsExactly("_split", "_k0");
  }

  @Test
  void threeLevelModelShufflesOnceByItsParentPath(SparkSession spark) {
    Dataset<Row> data = did40(spark).withColumn("therapist_id",
        org.apache.spark.sql.functions.col("client_id").mod(3));
    List<ShuffleExchangeExec> exchanges = exchanges(plan(data,
        "score ~ time*cohort + (1|service_id/therapist_id/client_id)", null));
    assertThat(exchanges).hasSize(1);
    assertThat(partitionedBy(exchanges.get(0))).containsExactly("_k0", "_k1");
  }

  @Test
  void partitionCountCoversTheCoresAndStaysUnderTheShufflePartitions(SparkSession spark) {
    // The shared test session runs 2 cores (spark.default.parallelism = 2). A session of its own sets the SQL
    // settings the count depends on.
    Dataset<Row> small = did40(spark);
    SparkSession own = small.sparkSession();
    own.conf().set("spark.sql.shuffle.partitions", "64");
    own.conf().set("spark.sql.adaptive.advisoryPartitionSizeInBytes", "64m");
    // did40's CSV is 100 KB, far below one 64 MB partition: one per core.
    assertThat(SparkMoments.partitions(small)).isEqualTo(2);
    // 1-byte partitions would ask for more partitions than there are bytes: capped at spark.sql.shuffle.partitions.
    own.conf().set("spark.sql.adaptive.advisoryPartitionSizeInBytes", "1b");
    assertThat(SparkMoments.partitions(small)).isEqualTo(64);
    // A ceiling below the cores wins: the tests' sessions ask for one shuffle partition.
    own.conf().set("spark.sql.shuffle.partitions", "1");
    assertThat(SparkMoments.partitions(small)).isEqualTo(1);
  }

  private static Dataset<Row> plan(Dataset<Row> data, String formula, String split) {
    Formula f = Formula.parse(formula);
    Dataset<Row> rows = split == null ? data : data.filter(data.col(split).isNotNull());
    return SparkMoments.plan(rows, DesignResolver.forDataset(rows, f, FitOptions.reml()), split, List.of())
        .aggregation();
  }

  /** The shuffle exchanges of a planned aggregation (also for {@link GroupRowsTest}). */
  static List<ShuffleExchangeExec> exchanges(Dataset<Row> aggregation) {
    List<ShuffleExchangeExec> out = new ArrayList<>();
    collect(aggregation.queryExecution().executedPlan(), out);
    return out;
  }

  private static void collect(SparkPlan plan, List<ShuffleExchangeExec> out) {
    if (plan instanceof ShuffleExchangeExec e) {
      out.add(e);
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      collect(child, out);
    }
  }

  /** The columns an exchange hash-partitions by. */
  static List<String> partitionedBy(ShuffleExchangeExec exchange) {
    assertThat(exchange.outputPartitioning()).isInstanceOf(HashPartitioning.class);
    List<String> names = new ArrayList<>();
    for (var e : CollectionConverters.asJava(((HashPartitioning) exchange.outputPartitioning()).expressions())) {
      names.add(((org.apache.spark.sql.catalyst.expressions.NamedExpression) e).name());
    }
    return names;
  }
}
