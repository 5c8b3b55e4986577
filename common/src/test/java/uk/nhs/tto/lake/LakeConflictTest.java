package uk.nhs.tto.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Ingest appends its quarantined rows to a quarantine table while derive may be replacing its own rows of the same
 * table; Delta refuses derive's commit then (the table has no partitions, so any file added since could have matched
 * its predicate). The replace is written again against the new version, and both jobs' rows land.
 */
@ExtendWith(SparkExtension.class)
class LakeConflictTest {

  /** Entered by the replace's first attempt while it computes its rows; released by the test. */
  private static final CountDownLatch ENTERED = new CountDownLatch(1);
  private static final CountDownLatch RELEASE = new CountDownLatch(1);
  private static final AtomicInteger EVALUATIONS = new AtomicInteger();

  @Test
  void aReplaceThatAnotherJobsAppendCameBetweenIsWrittenAgainAndBothLand(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Lake lake = new Lake(spark, dir.toString());
    String table = "quarantine.ids101referral";
    lake.append(table, rows(spark, "ingest", 1).union(rows(spark, "derive", 2)));

    // Derive's replace of its rows: computing them waits, the first time, until the ingest below has committed.
    UserDefinedFunction holdFirst = udf((UDF1<Long, Long>) n -> {
      if (EVALUATIONS.getAndIncrement() == 0) {
        ENTERED.countDown();
        RELEASE.await(60, TimeUnit.SECONDS);
      }
      return n;
    }, DataTypes.LongType);
    Dataset<Row> derived = spark.range(10, 13).select(holdFirst.apply(col("id")).as("n"), lit("derive").as("stage"))
        .coalesce(1);
    CompletableFuture<Void> replace =
        CompletableFuture.runAsync(() -> lake.replaceWhere(table, "stage = 'derive'", derived));
    assertThat(ENTERED.await(60, TimeUnit.SECONDS)).as("the replace began computing its rows").isTrue();
    long before = lake.version(table);

    lake.append(table, rows(spark, "ingest", 3));
    RELEASE.countDown();
    replace.get(120, TimeUnit.SECONDS);

    assertThat(lake.version(table)).as("the ingest's commit, then the replace's").isEqualTo(before + 2);
    assertThat(EVALUATIONS.get()).as("the replace computed its rows again for its second attempt").isGreaterThan(3);
    List<String> content = lake.read(table).orderBy("stage", "n").collectAsList().stream()
        .map(r -> r.getString(1) + ":" + r.getLong(0)).toList();
    assertThat(content).containsExactly("derive:10", "derive:11", "derive:12", "ingest:1", "ingest:3");
  }

  private static Dataset<Row> rows(SparkSession spark, String stage, long n) {
    return spark.range(n, n + 1).select(col("id").as("n"), lit(stage).as("stage"));
  }
}
