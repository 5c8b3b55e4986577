package uk.nhs.tto.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class TableDigestTest {

  private final SparkSession spark;

  TableDigestTest(SparkSession spark) {
    this.spark = spark;
  }

  private Dataset<Row> rows(String schema, String... valuesRows) {
    return spark.sql("SELECT * FROM VALUES " + String.join(", ", valuesRows) + " AS t(" + schema + ")");
  }

  @Test
  void rowOrderAndPartitioningDoNotChangeTheDigest() {
    Dataset<Row> a = rows("id, name", "(1, 'a')", "(2, 'b')", "(3, 'c')");
    Dataset<Row> b = rows("id, name", "(3, 'c')", "(1, 'a')", "(2, 'b')").repartition(3);

    assertThat(TableDigest.of(b)).isEqualTo(TableDigest.of(a));
    assertThat(TableDigest.of(a).rows()).isEqualTo(3);
  }

  @Test
  void columnOrderDoesNotChangeTheDigest() {
    Dataset<Row> a = rows("id, name", "(1, 'a')", "(2, 'b')");

    assertThat(TableDigest.of(a.select("name", "id"))).isEqualTo(TableDigest.of(a));
  }

  @Test
  void oneChangedValueChangesTheContent() {
    TableDigest a = TableDigest.of(rows("id, name", "(1, 'a')", "(2, 'b')"));
    TableDigest b = TableDigest.of(rows("id, name", "(1, 'a')", "(2, 'B')"));

    assertThat(b.rows()).isEqualTo(a.rows());
    assertThat(b.schema()).isEqualTo(a.schema());
    assertThat(b.content()).isNotEqualTo(a.content());
  }

  @Test
  void duplicatedRowsThatAnXorWouldCancelStillChangeTheContent() {
    // {r1, r2, r2} and {r1, r3, r3} have the same row count and the same xor of row hashes (r2^r2 = r3^r3 = 0);
    // only the sum of hashes tells them apart.
    TableDigest a = TableDigest.of(rows("id", "(1)", "(2)", "(2)"));
    TableDigest b = TableDigest.of(rows("id", "(1)", "(3)", "(3)"));

    assertThat(b.rows()).isEqualTo(3);
    assertThat(b.content().split(":")[1]).isEqualTo(a.content().split(":")[1]);
    assertThat(b).isNotEqualTo(a);
  }

  @Test
  void aNullMovingToAnotherColumnChangesTheContent() {
    // Spark's hash skips nulls, so (null, 'x') and ('x', null) would hash alike without the null flags.
    TableDigest a = TableDigest.of(rows("p, q", "(CAST(NULL AS STRING), 'x')"));
    TableDigest b = TableDigest.of(rows("p, q", "('x', CAST(NULL AS STRING))"));

    assertThat(b).isNotEqualTo(a);
  }

  @Test
  void ignoredColumnsMayDifferFreely() {
    Dataset<Row> a = rows("id, _ingested_at", "(1, TIMESTAMP'2024-01-01 10:00:00')");
    Dataset<Row> b = rows("id, _ingested_at", "(1, TIMESTAMP'2025-06-30 23:59:59')");
    TableDigest.Options options = TableDigest.Options.exact().ignoring(TableDigest.RUN_COLUMNS);

    assertThat(TableDigest.of(b, options)).isEqualTo(TableDigest.of(a, options));
    assertThat(TableDigest.of(b)).isNotEqualTo(TableDigest.of(a));
  }

  @Test
  void doublesCompareToTheAskedSignificantDigits() {
    // 0.1 + 0.2 is 0.30000000000000004 in binary floating point: the same to 12 digits, not to every bit.
    Dataset<Row> sum = spark.sql("SELECT 0.1D + 0.2D AS x");
    Dataset<Row> exact = spark.sql("SELECT 0.3D AS x");
    TableDigest.Options twelve = TableDigest.Options.exact().significantDigits(12);

    assertThat(TableDigest.of(sum, twelve)).isEqualTo(TableDigest.of(exact, twelve));
    assertThat(TableDigest.of(sum)).isNotEqualTo(TableDigest.of(exact));
    assertThatThrownBy(() -> TableDigest.Options.exact().significantDigits(0))
        .hasMessageContaining("between 1 and 17, cannot be: 0");
  }

  @Test
  void mapsWithTheSameEntriesInAnotherOrderDigestAlike() {
    Dataset<Row> a = spark.sql("SELECT map('a', 1, 'b', 2) AS m");
    Dataset<Row> b = spark.sql("SELECT map('b', 2, 'a', 1) AS m");

    assertThat(TableDigest.of(b)).isEqualTo(TableDigest.of(a));
  }

  @Test
  void anEmptyTableHasZeroRowsAndAStableDigest() {
    Dataset<Row> empty = rows("id", "(1)").where("id > 1");

    assertThat(TableDigest.of(empty).rows()).isZero();
    assertThat(TableDigest.of(empty)).isEqualTo(TableDigest.of(empty));
  }

  @Test
  void lakesAreComparedTableByTableWithReadableDifferences(@TempDir Path dir) {
    Lake first = new Lake(spark, dir.resolve("first").toString());
    Lake second = new Lake(spark, dir.resolve("second").toString());
    first.overwrite("gold.courses", rows("id", "(1)", "(2)"));
    second.overwrite("gold.courses", rows("id", "(2)", "(1)"));
    first.overwrite("gold.score_pairs", rows("id, change", "(1, -3)"));
    second.overwrite("gold.score_pairs", rows("id, change", "(1, -4)"));
    second.overwrite("bronze.ids101referral", rows("id", "(1)"));
    TableDigest.Options options = TableDigest.Options.exact();

    Map<String, TableDigest> a = TableDigest.ofLake(first, options);
    Map<String, TableDigest> b = TableDigest.ofLake(second, options);

    assertThat(a.keySet()).containsExactly("gold.courses", "gold.score_pairs");
    assertThat(TableDigest.differences(a, b))
        .containsExactly(
            "bronze.ids101referral: only in the second lake",
            "gold.score_pairs: same 1 rows and columns, different content");
    assertThat(TableDigest.differences(a, a)).isEmpty();
  }

  @Test
  void differentRowCountsAreNamed() {
    Map<String, TableDigest> a = Map.of("silver.referrals", TableDigest.of(rows("id", "(1)")));
    Map<String, TableDigest> b = Map.of("silver.referrals", TableDigest.of(rows("id", "(1)", "(5)")));

    assertThat(TableDigest.differences(a, b)).containsExactly("silver.referrals: 1 rows against 2");
  }

  @Test
  void differentColumnsAreNamed() {
    Map<String, TableDigest> a = Map.of("gold.x", TableDigest.of(rows("id, a", "(1, 2)")));
    Map<String, TableDigest> b = Map.of("gold.x", TableDigest.of(rows("id, b", "(1, 2)")));

    assertThat(TableDigest.differences(a, b))
        .containsExactly("gold.x: columns differ: first has [a:int], second has [b:int]");
    assertThat(Arrays.asList(TableDigest.of(rows("id, a", "(1, 2)")).schema().split(",")))
        .containsExactly("a:int", "id:int");
  }
}
