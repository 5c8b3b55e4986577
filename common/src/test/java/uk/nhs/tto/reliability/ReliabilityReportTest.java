package uk.nhs.tto.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/RELIABILITY.md is written from results.tsv: one table per suite, the latest record of a fault winning. */
class ReliabilityReportTest {

  @Test
  void theLatestRecordOfEachFaultIsReportedUnderItsSuiteAndFailuresStandOut(@TempDir Path dir) throws Exception {
    Path tsv = dir.resolve("results.tsv");
    Files.writeString(tsv, String.join("\n",
        "Suite A\tfault 1\t1\t0\texpected x\tseen y\t2026-01-01T00:00:00Z",
        "Suite B\tfault 2\t20\t20\texpected z\tseen z\t2026-01-01T00:01:00Z",
        "Suite A\tfault 1\t1\t1\texpected x\tseen x\t2026-01-01T00:02:00Z",
        "Suite A\tfault 3\t3\t2\texpected w\tone trial differed\t2026-01-01T00:03:00Z",
        "not a record") + "\n", StandardCharsets.UTF_8);

    List<ReliabilityReport.Outcome> outcomes = ReliabilityReport.read(tsv);
    String md = ReliabilityReport.markdown(outcomes);

    assertThat(outcomes).extracting(ReliabilityReport.Outcome::fault).containsExactly("fault 1", "fault 2", "fault 3");
    assertThat(md).contains("**3 faults, 24 trials, 23 passed; 1 fault(s) FAILING.**");
    assertThat(md.indexOf("## Suite A")).isLessThan(md.indexOf("## Suite B"));
    assertThat(md).contains("| fault 1 | 1 | 1 | expected x | seen x | pass |");
    assertThat(md).contains("| fault 3 | 3 | 2 | expected w | one trial differed | **FAIL** |");
    assertThat(md).doesNotContain("seen y");
    assertThat(md).contains("Recorded between 2026-01-01T00:01:00Z and 2026-01-01T00:03:00Z.");
  }
}
