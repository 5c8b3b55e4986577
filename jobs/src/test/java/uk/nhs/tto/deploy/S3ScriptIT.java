package uk.nhs.tto.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** scripts/test-s3: the pipeline on an S3 store writes what it writes on local disk, and keeps secrets out. */
@Tag("heavy")
class S3ScriptIT {

  @Test
  void thePipelineOnS3WritesTheSameTablesAndEstimatesAsOnLocalDiskWithoutLeakingSecrets() throws Exception {
    ScriptRun run = ScriptRun.of("test-s3", Duration.ofMinutes(60));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("identical: every table has the same rows")
        .contains("ingest, derive and analyse summaries identical")
        .contains("no secret in logs, lakes, metastores or reports")
        .contains("test-s3: passed");
  }
}
