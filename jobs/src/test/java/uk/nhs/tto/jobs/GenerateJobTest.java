package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.errors.TtoException;

class GenerateJobTest {

  @TempDir
  Path tmp;

  /** Tests run in jobs/: point the catalogues at the project's conf/. */
  private Path conf() throws IOException {
    Path conf = tmp.resolve("test.conf");
    Files.writeString(conf, "tto.measures = ../conf/measures.csv\ntto.therapy.codes = ../conf/therapy-codes.csv\n");
    return conf;
  }

  @Test
  void generateWritesTheExtractAndItsJsonSummary() throws IOException {
    Path out = tmp.resolve("extract");
    Path json = tmp.resolve("summary.json");

    int code = Main.run(new String[] {"generate", "--out", out.toString(), "--services", "2", "--months", "5",
        "--seed", "3", "--defects", "0.02", "--effects", "depression=-4", "--json", json.toString(),
        "--conf", conf().toString(), "--quiet"});

    assertThat(code).isZero();
    assertThat(out.resolve("T0002/1481/IDS607CodedScoreAssessmentAct.csv")).exists();
    assertThat(out.resolve("cohorts.csv")).exists();
    JsonNode summary = new ObjectMapper().readTree(json.toFile());
    assertThat(summary.path("options").path("services").asInt()).isEqualTo(2);
    assertThat(summary.path("options").path("defect_fraction").asDouble()).isEqualTo(0.02);
    assertThat(summary.path("planted").path("effects").path("depression").asDouble()).isEqualTo(-4.0);
    assertThat(summary.path("defects").path("total").asLong()).isPositive();
    assertThat(Files.readString(json)).isEqualTo(Files.readString(out.resolve("generator.json")));
  }

  @Test
  void aBadOptionIsAUsageErrorWithoutAnExtract() throws IOException {
    Path out = tmp.resolve("extract");

    int code = Main.run(new String[] {"generate", "--out", out.toString(), "--format", "xlsx",
        "--conf", conf().toString()});

    assertThat(code).isEqualTo(TtoException.USAGE);
    assertThat(out).doesNotExist();
  }

  @Test
  void defectsTakeTheirFractionAsTheNextWordOrAfterAnEqualsSign() {
    assertThat(GenerateJob.defectFraction(Args.parse("generate", new String[] {"--defects", "0.05"}, Main.FLAGS)))
        .isEqualTo(0.05);
    assertThat(GenerateJob.defectFraction(Args.parse("generate", new String[] {"--defects=0.2"}, Main.FLAGS)))
        .isEqualTo(0.2);
    assertThat(GenerateJob.defectFraction(Args.parse("generate", new String[] {"--defects"}, Main.FLAGS)))
        .isEqualTo(GenerateJob.DEFAULT_DEFECT_FRACTION);
    assertThat(GenerateJob.defectFraction(Args.parse("generate", new String[] {}, Main.FLAGS))).isZero();
  }
}
