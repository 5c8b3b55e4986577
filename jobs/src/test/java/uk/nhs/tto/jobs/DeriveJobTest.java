package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.BronzeFixtures;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class DeriveJobTest {

  private static final String PHQ9 = "720433000";
  private static final String GAD7 = "445455005";

  @Test
  void deriveWritesGoldPrintsReconciliationAndTheSpec7Json(SparkSession spark, @TempDir Path dir) throws Exception {
    Path lakeDir = dir.resolve("lake");
    Lake lake = new Lake(spark, lakeDir.toString());
    // One finished course: PHQ 16 -> 4, GAD 12 -> 3: caseness (16 >= 10), both below at last -> recovered; falls
    // 12 and 9 -> reliably improved and reliably recovered. One orphan contact (PX has no referral).
    BronzeFixtures bronze = new BronzeFixtures();
    oneCourseOfS1(bronze)
        .contact("KX", "PX", "2024-06-10", "10:00", "02", "5", "TA")
        .contactScore("A1", "P1", "K1", PHQ9, "16")
        .contactScore("A2", "P1", "K1", GAD7, "12")
        .contactScore("A3", "P1", "K2", PHQ9, "4")
        .contactScore("A4", "P1", "K2", GAD7, "3");
    bronze.writeTo(lake);
    Path json = dir.resolve("out/derive.json");
    Settings settings = settings(lakeDir, dir.resolve("no-such-cohorts.csv"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    DeriveJob job = new DeriveJob();
    Args args = Main.parse(job, "derive", new String[] {"--json", json.toString()});

    int code =
        job.run(new JobContext(args, settings, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)));

    assertThat(code).isZero();
    String printed = out.toString(StandardCharsets.UTF_8);
    // Contacts: 3 bronze = 2 accepted + 0 superseded + 1 quarantined (orphan).
    assertThat(printed).contains("ids201carecontact").containsPattern("3 =\\s+2 \\+\\s+0 \\+\\s+1\\s+ok");
    assertThat(printed).contains("national key metrics: finished *, at caseness *, recovered *");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("warning: no cohort file at");

    Map<?, ?> summary = new ObjectMapper().readValue(Files.readString(json), Map.class);
    // One course: every national count is under 5, so each is null (SPEC §6), the keys still present.
    Map<String, Object> suppressed = new java.util.LinkedHashMap<>();
    for (String name : new String[] {"finished", "at_caseness", "recovered", "reliably_improved",
        "reliably_deteriorated", "reliably_recovered"}) {
      suppressed.put(name, null);
    }
    assertThat(summary.get("key_metrics")).isEqualTo(suppressed);
    assertThat(((Map<?, ?>) summary.get("quarantine")).get("ids201carecontact")).isEqualTo(Map.of("ROW_ORPHAN", 1));
    assertThat(((Map<?, ?>) summary.get("tables")).get("gold.courses")).isEqualTo(Map.of("rows", 1));
    assertThat(((Map<?, ?>) summary.get("tables")).get("silver.assessments")).isEqualTo(Map.of("rows", 4));
  }

  @Test
  void deriveWarnsOfCohortServicesTheDataCannotPutInTheComparison(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path lakeDir = dir.resolve("lake");
    Lake lake = new Lake(spark, lakeDir.toString());
    // S1's one finished course is discharged on 20 Jul 2024, inside the pre window [1 May, 1 Aug) of a change on
    // 1 Aug with a 3-month window; nothing is in its post cohort (1 Aug to 1 Nov). S9 has no course at all.
    BronzeFixtures bronze = new BronzeFixtures();
    oneCourseOfS1(bronze);
    bronze.writeTo(lake);
    Path cohorts = Files.writeString(dir.resolve("cohorts.csv"),
        "OrgID_Provider,ChangeDate,WindowMonths,WashoutDays\nS1,2024-08-01,3,\nS9,2024-08-01,3,\n");
    Settings settings = settings(lakeDir, cohorts);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    DeriveJob job = new DeriveJob();

    int code = job.run(new JobContext(Main.parse(job, "derive", new String[0]), settings,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)));

    assertThat(code).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("warning: 1 service(s) of the cohort file have no finished course in the data: S9;")
        .contains("no finished course in their post cohort").contains("S1 (2024-08-01 to 2024-11-01)")
        .doesNotContain("pre window");
  }

  /** S1's one finished course P1: referred 1 May 2024, two attended treatment contacts, discharged 20 Jul 2024. */
  private static BronzeFixtures.Submission oneCourseOfS1(BronzeFixtures bronze) {
    return bronze.submission("S1", 1492)
        .referral("P1", "U1", "2024-05-01", "2024-07-20", "46")
        .contact("K1", "P1", "2024-05-10", "10:00", "02", "5", "TA")
        .contact("K2", "P1", "2024-06-10", "10:00", "02", "5", "TA");
  }

  private static Settings settings(Path lakeDir, Path cohorts) {
    return Settings.defaults()
        .with(Map.of(
            Keys.LAKE, lakeDir.toString(),
            Keys.COHORTS, cohorts.toString(),
            Keys.MEASURES, BronzeFixtures.projectConf("measures.csv").toString(),
            Keys.THERAPY_CODES, BronzeFixtures.projectConf("therapy-codes.csv").toString()));
  }

  @Test
  void helpListsTheJobsOptions() {
    assertThat(new DeriveJob().usage()).contains("--lake").contains("--cohorts").contains("--json");
  }
}
