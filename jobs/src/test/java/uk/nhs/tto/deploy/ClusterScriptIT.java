package uk.nhs.tto.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** scripts/test-cluster: the pipeline on a two-worker standalone cluster writes what local mode writes. */
@Tag("heavy")
class ClusterScriptIT {

  @Test
  void thePipelineOnAStandaloneClusterWritesTheSameTablesAndEstimatesAsLocalMode() throws Exception {
    ScriptRun run = ScriptRun.of("test-cluster", Duration.ofMinutes(60));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("identical: every table has the same rows")
        .contains("ingest, derive and analyse summaries identical")
        .contains("test-cluster: passed");
  }
}
