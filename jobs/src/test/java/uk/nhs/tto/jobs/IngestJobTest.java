package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.testing.SparkExtension;

@ExtendWith(SparkExtension.class)
class IngestJobTest {

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  @Test
  void printsTheReconciliationPerTableAndWritesTheSpecSevenJson(SparkSession spark, @TempDir Path tmp)
      throws Exception {
    Path extracts = tmp.resolve("extracts");
    write(
        extracts.resolve("T0001/1489/IDS101Referral.csv"),
        "OrgID_Provider,Unique_MonthID,UniqueSubmissionID,PathwayID,Person_ID,ReferralRequestReceivedDate,"
            + "ServDischDate,EndCode\n"
            + "T0001,1489,501,P1,C1,2023-04-03,,\n"
            + "T0001,1489,501,P2,C2,2023-02-30,,\n");
    write(extracts.resolve("T0001/IDS001MPI.csv"), "misplaced\n");
    Path json = tmp.resolve("out/ingest.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    IngestJob job = new IngestJob();
    Args args =
        Main.parse(
            job,
            "ingest",
            new String[] {"--extracts", extracts.toString(), "--lake", tmp.resolve("lake").toString(), "--json",
                json.toString()});

    int code =
        job
            .run(JobContext.fromArgs(args, new PrintStream(out, true), new PrintStream(err, true)));

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("files: read 2 (ingested 1, refused 1), skipped 0")
        .containsPattern("IDS101Referral +rows read +2 = accepted +1 \\+ quarantined +1")
        .contains("T0001/IDS001MPI.csv is not inside an <OrgID_Provider>/<Unique_MonthID> folder");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("ingest: surveyed 2 files");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> summary = new ObjectMapper().readValue(json.toFile(), Map.class);
    assertThat(summary.get("files")).containsEntry("read", 2).containsEntry("skipped", 0);
    assertThat((List<?>) summary.get("files").get("refused")).hasSize(1);
    assertThat(summary.get("tables").get("IDS101Referral"))
        .isEqualTo(Map.of("read", 1 + 1, "accepted", 1, "quarantined", 1));
  }

  @Test
  void isTheCommandNamedIngest() {
    assertThat(Main.lookup("ingest")).isInstanceOf(IngestJob.class);
  }
}
