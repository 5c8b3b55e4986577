package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.testing.SparkExtension;

/** A query Spark cannot analyse is the analyst's to correct: one message saying what to do, exit code 2. */
@ExtendWith(SparkExtension.class)
class SqlJobTest {

  private static final List<String> TABLES = List.of("tt_gold.courses", "tt_gold.score_pairs", "tt_results.did");

  @Test
  void aTableNamedWithoutItsPrefixIsRefusedWithTheNameItIsRegisteredUnder(SparkSession spark) {
    TtoException e = SqlJob.refused(analysisError(spark, "SELECT count(*) FROM gold.courses"), TABLES);

    assertThat(e.exitCode()).isEqualTo(TtoException.USAGE);
    assertThat(e.getMessage())
        .contains("Spark SQL cannot run the query", "gold", "courses", "did you mean tt_gold.courses?")
        .doesNotContain("UnresolvedRelation");
  }

  @Test
  void aTableTheLakeDoesNotHaveIsRefusedWithTheTablesItHas(SparkSession spark) {
    TtoException e = SqlJob.refused(analysisError(spark, "SELECT * FROM tt_gold.referrals"), TABLES);

    assertThat(e.getMessage()).contains("name one of the lake's tables: tt_gold.courses, tt_gold.score_pairs,"
        + " tt_results.did");
  }

  @Test
  void invalidSqlIsRefusedWithWhereToLook(SparkSession spark) {
    TtoException e = SqlJob.refused(analysisError(spark, "SELEC 1"), TABLES);

    assertThat(e.exitCode()).isEqualTo(TtoException.USAGE);
    assertThat(e.getMessage()).contains("Spark SQL cannot run the query", "SHOW TABLES IN tt_gold",
        "DESCRIBE tt_gold.courses");
  }

  private static AnalysisException analysisError(SparkSession spark, String query) {
    AnalysisException e = catchThrowableOfType(AnalysisException.class, () -> spark.sql(query));
    assertThat(e).as("Spark refuses " + query).isNotNull();
    return e;
  }
}
