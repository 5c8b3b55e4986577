package uk.nhs.tto.stats.simulate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Simulates the evaluation's difference-in-differences design with known truth: clients nested in therapists
 * nested in services, two scores per client (time 0 and 1), half the clients in the post cohort, and
 * score = β₀ + β_time·time + β_cohort·cohort + β_did·time·cohort + service + therapist + client + residual.
 *
 * <p>Used for the confidence-interval coverage study (in memory) and the scale benchmark (as a Spark Dataset).
 * Defaults are did40's lme4 estimates: intercept 15.8, time −5.05, time:cohort −2.5, SDs service 1.3, client 3.1,
 * residual 4.0 (therapist SD 1.0 where a therapist level is simulated).
 */
public record NestedDid(
    double intercept,
    double time,
    double cohort,
    double timeCohort,
    double serviceSd,
    double therapistSd,
    double clientSd,
    double residualSd) {

  public static final StructType SCHEMA = new StructType()
      .add("service_id", DataTypes.IntegerType)
      .add("therapist_id", DataTypes.IntegerType)
      .add("client_id", DataTypes.LongType)
      .add("cohort", DataTypes.IntegerType)
      .add("time", DataTypes.IntegerType)
      .add("score", DataTypes.DoubleType);

  /** did40's fitted model, with a therapist SD of 1.0. */
  public static NestedDid did40Like() {
    return new NestedDid(15.8, -5.05, 0.0, -2.5, 1.3, 1.0, 3.1, 4.0);
  }

  /** One replicate in memory: services × therapists per service × clients per therapist, 2 rows per client. */
  public List<Row> rows(int services, int therapistsPerService, int clientsPerTherapist, Random random) {
    List<Row> out = new ArrayList<>(services * therapistsPerService * clientsPerTherapist * 2);
    long client = 0;
    int therapist = 0;
    for (int s = 1; s <= services; s++) {
      double us = serviceSd * random.nextGaussian();
      for (int t = 0; t < therapistsPerService; t++) {
        therapist++;
        double ut = therapistSd * random.nextGaussian();
        for (int c = 0; c < clientsPerTherapist; c++) {
          client++;
          double uc = clientSd * random.nextGaussian();
          int post = random.nextBoolean() ? 1 : 0;
          for (int time = 0; time <= 1; time++) {
            double y = intercept + this.time * time + cohort * post + timeCohort * time * post + us + ut + uc
                + residualSd * random.nextGaussian();
            out.add(new GenericRowWithSchema(new Object[] {s, therapist, client, post, time, y}, SCHEMA));
          }
        }
      }
    }
    return out;
  }

  /**
   * A two-level replicate as a Spark Dataset (service/client, no therapist effect), generated in parallel from
   * a seed: {@code services × clientsPerService} clients, 2 rows each, ordered by service and client.
   */
  public Dataset<Row> dataset(SparkSession spark, int services, long clientsPerService, long seed) {
    Dataset<Row> serviceEffects = spark.range(1, services + 1)
        .select(col("id").cast("int").as("service_id"), randn(seed).multiply(serviceSd).as("u_service"));
    Dataset<Row> clients = spark.range(0, services * clientsPerService)
        .select(
            col("id").plus(1).as("client_id"),
            floor(col("id").divide(clientsPerService)).plus(1).cast("int").as("service_id"),
            when(rand(seed + 1).lt(0.5), lit(0)).otherwise(lit(1)).as("cohort"),
            randn(seed + 2).multiply(clientSd).as("u_client"));
    return clients.join(org.apache.spark.sql.functions.broadcast(serviceEffects), "service_id")
        .withColumn("time", explode(sequence(lit(0), lit(1))))
        .withColumn("score", lit(intercept)
            .plus(col("time").multiply(time))
            .plus(col("cohort").multiply(cohort))
            .plus(col("time").multiply(col("cohort")).multiply(timeCohort))
            .plus(col("u_service")).plus(col("u_client"))
            .plus(randn(seed + 3).multiply(residualSd)))
        .select("service_id", "client_id", "cohort", "time", "score");
  }
}
