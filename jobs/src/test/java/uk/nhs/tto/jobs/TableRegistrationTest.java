package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.SparkExtension;

/**
 * A job that opened the lake registers its tables in the lake's embedded metastore, where a later process finds them
 * by name. The job runs in a JVM of its own (as scripts/tto runs it: the test JVM's shared session has no Hive
 * catalogue), and the check reads the metastore's own tables over JDBC, without Spark.
 */
@ExtendWith(SparkExtension.class)
class TableRegistrationTest {

  @Test
  void aSuccessfulJobLeavesItsLakesTablesRegisteredForLaterProcesses(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path root = dir.resolve("lake");
    Lake lake = new Lake(spark, root.toString());
    lake.overwrite("gold.courses", spark.range(3).toDF("PathwayID"));
    lake.overwrite("bronze.ids101referral", spark.range(2).toDF("PathwayID"));
    Path work = Files.createDirectories(dir.resolve("work"));

    Process job = runMain(work, dir.resolve("job.log"), "digest", "--lake", root.toString());

    // Generous: the limit only catches a wedged job (Spark and a new Derby metastore start slowly on a busy machine).
    assertThat(job.waitFor(600, TimeUnit.SECONDS)).as("job finished").isTrue();
    assertThat(job.exitValue()).as(Files.readString(dir.resolve("job.log"))).isZero();
    assertThat(registrations(root.resolve("_metastore/metastore_db")))
        .containsExactly(
            "tt_bronze.ids101referral EXTERNAL_TABLE " + root.resolve("bronze/ids101referral"),
            "tt_gold.courses EXTERNAL_TABLE " + root.resolve("gold/courses"));
    // Derby keeps its log and lock files beside the metastore, not in the job's working directory.
    assertThat(root.resolve("_metastore/derby.log")).exists();
    try (var stray = Files.list(work)) {
      assertThat(stray).isEmpty();
    }
  }

  /** Runs Main in a JVM of its own with the test classpath and this JVM's module options. */
  private static Process runMain(Path workDir, Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx768m");
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.add("-Dlog4j2.configurationFile=" + Path.of("..", "conf", "log4j2.properties").toAbsolutePath().toUri());
    cmd.add("-Dtto.conf.dir=" + workDir.resolve("no-profile"));
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
        .replace(File.pathSeparator + File.pathSeparator, File.pathSeparator));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("TTO_PROGRESS", "off");
    return pb.start();
  }

  /** "database.table type location" for every table in a Derby Hive metastore, read with plain SQL. */
  private static List<String> registrations(Path metastoreDb) throws SQLException {
    System.setProperty("derby.stream.error.file", metastoreDb.resolveSibling("derby-test.log").toString());
    String url = "jdbc:derby:" + metastoreDb;
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url);
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    // Spark keeps a Delta table's location as the 'path' storage parameter (SDS.LOCATION holds
                    // a placeholder for formats Hive cannot read).
                    "SELECT d.NAME, t.TBL_NAME, t.TBL_TYPE, p.PARAM_VALUE FROM APP.TBLS t"
                        + " JOIN APP.DBS d ON t.DB_ID = d.DB_ID JOIN APP.SDS s ON t.SD_ID = s.SD_ID"
                        + " JOIN APP.SERDE_PARAMS p ON p.SERDE_ID = s.SERDE_ID AND p.PARAM_KEY = 'path'"
                        + " ORDER BY d.NAME, t.TBL_NAME")) {
      while (rs.next()) {
        out.add(rs.getString(1) + "." + rs.getString(2) + " " + rs.getString(3) + " "
            + Path.of(URI.create(rs.getString(4))));
      }
    } finally {
      try {
        DriverManager.getConnection(url + ";shutdown=true").close();
      } catch (SQLException expected) {
        // Derby reports a clean shutdown as an exception (SQLState 08006).
      }
    }
    return out;
  }
}
