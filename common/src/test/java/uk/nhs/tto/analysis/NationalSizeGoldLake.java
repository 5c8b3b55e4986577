package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Writes gold tables of national size straight from Spark expressions — 600,000 courses in 150 services with 25
 * therapists each, about 2.2 million score pairs — for {@code scripts/bench-analyse --proxy-lake DIR} when no lake
 * from {@code scripts/bench-pipeline} exists. Same schemas as derive's (the lake contract); 20% of courses pre and
 * 20% post, 80% finished, 60% HIGH intensity, each measure paired for 90%. Scores are uniform noise: the benchmark
 * times the analysis, it does not check its estimates. Property {@code tto.bench.lake} names the lake.
 */
@Tag("heavy")
@ExtendWith(SparkExtension.class)
class NationalSizeGoldLake {

  @Test
  void writeNationalSizeGoldTables(SparkSession spark) {
    Lake lake = new Lake(spark, System.getProperty("tto.bench.lake", "target/national-proxy-lake"));
    Column[] cols = new Column[GoldFixtures.COURSES.fields().length];
    int i = 0;
    for (StructField f : GoldFixtures.COURSES.fields()) {
      Column c =
          switch (f.name()) {
            case "PathwayID" -> concat(lit("pw"), col("id"));
            case "Person_ID" -> concat(lit("p"), col("id"));
            case "service_id" -> concat(lit("S"), col("id").mod(150));
            case "therapist" -> concat(lit("S"), col("id").mod(150), lit("-"), pmod(hash(col("id")), lit(25)));
            case "cohort" ->
                when(rand(2).lt(0.2), "pre").when(rand(3).lt(0.25), "post").when(rand(4).lt(0.5), "outside");
            case "finished" -> rand(5).lt(0.8);
            case "intensity" -> when(rand(6).lt(0.6), "HIGH").otherwise("LOW");
            case "age_band" -> lit("26-35");
            case "gender" -> when(rand(7).lt(0.5), "1").otherwise("2");
            default -> lit(null);
          };
      cols[i++] = c.cast(f.dataType()).as(f.name());
    }
    lake.overwrite("gold.courses", spark.range(600_000).toDF("id").select(cols));
    Dataset<Row> pairs =
        lake.read("gold.courses")
            .select(col("PathwayID"), col("service_id"),
                explode(array(lit("PHQ9"), lit("GAD7"), lit("WSAS"), lit("PHOBIA"))).as("measure"))
            .where(rand(8).lt(0.9))
            .select(
                col("PathwayID"),
                col("service_id"),
                col("measure"),
                when(col("measure").equalTo("PHQ9"), "depression").when(col("measure").equalTo("GAD7"), "anxiety")
                    .when(col("measure").equalTo("WSAS"), "social_functioning").otherwise("phobia").as("domain"),
                floor(rand(9).multiply(20)).cast("int").as("first_score"),
                floor(rand(10).multiply(15)).cast("int").as("last_score"),
                current_date().as("first_date"),
                current_date().as("last_date"),
                lit(3).as("n_scores"),
                lit(0).as("change"));
    lake.overwrite("gold.score_pairs", pairs.select(GoldFixtures.SCORE_PAIRS.fieldNames()[0],
        java.util.Arrays.copyOfRange(GoldFixtures.SCORE_PAIRS.fieldNames(), 1, GoldFixtures.SCORE_PAIRS.size())));
  }
}
