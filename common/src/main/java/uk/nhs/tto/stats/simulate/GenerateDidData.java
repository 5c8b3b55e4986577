package uk.nhs.tto.stats.simulate;

import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import uk.nhs.tto.lake.Sessions;

/**
 * Writes a did40-like data set of any size as Parquet for the scale benchmark:
 * {@code GenerateDidData OUT SERVICES CLIENTS_PER_SERVICE [SEED]} gives SERVICES × CLIENTS_PER_SERVICE clients with
 * two rows each (columns service_id, client_id, cohort, time, score), in order of service and client, as a warehouse
 * export would be. {@code GenerateDidData --csv IN.parquet OUT.csv} copies such a file to one CSV file (for timing
 * other tools, e.g. lme4, on the same data); {@code GenerateDidData --unordered IN.parquet OUT.parquet} copies it
 * with its rows in random order (for timing the engine on rows that are not grouped).
 */
public final class GenerateDidData {

  private GenerateDidData() {}

  public static void main(String[] args) throws java.io.IOException {
    if (args.length == 3 && args[0].equals("--csv")) {
      toCsv(args[1], args[2]);
      return;
    }
    if (args.length == 3 && args[0].equals("--unordered")) {
      SparkSession spark = Sessions.forJob("did data in random order", java.util.Map.of());
      spark.read().parquet(args[1]).orderBy(org.apache.spark.sql.functions.rand(41)).write().mode(SaveMode.Overwrite)
          .parquet(args[2]);
      spark.stop();
      return;
    }
    if (args.length < 3) {
      System.err.println("usage: GenerateDidData OUT SERVICES CLIENTS_PER_SERVICE [SEED]");
      System.exit(2);
    }
    String out = args[0];
    int services = Integer.parseInt(args[1]);
    long clients = Long.parseLong(args[2]);
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 40L;
    SparkSession spark = Sessions.forJob("generate did data", java.util.Map.of());
    NestedDid.did40Like().dataset(spark, services, clients, seed)
        .sortWithinPartitions("service_id", "client_id", "time")
        .write().mode(SaveMode.Overwrite).parquet(out);
    spark.stop();
  }

  private static void toCsv(String parquet, String csv) throws java.io.IOException {
    SparkSession spark = Sessions.forJob("did data to csv", java.util.Map.of());
    java.nio.file.Path parts = java.nio.file.Path.of(csv + ".parts");
    spark.read().parquet(parquet).coalesce(1).write().mode(SaveMode.Overwrite).option("header", "true")
        .csv(parts.toString());
    spark.stop();
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(parts)) {
      java.nio.file.Path part = files.filter(f -> f.getFileName().toString().startsWith("part-")).findFirst()
          .orElseThrow();
      java.nio.file.Files.move(part, java.nio.file.Path.of(csv), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
