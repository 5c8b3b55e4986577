package uk.nhs.tto.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * scripts/test-executor-loss: an executor JVM of a two-worker standalone cluster killed while derive runs; derive
 * completes and writes what local mode writes.
 */
@Tag("heavy")
class ExecutorLossScriptIT {

  @Test
  void deriveSurvivesTheLossOfAnExecutorAndWritesTheSameTablesAsLocalMode() throws Exception {
    ScriptRun run = ScriptRun.of("test-executor-loss", Duration.ofMinutes(40));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("killed executor JVM")
        .contains("derive completed after the kill")
        .contains("identical: every table has the same rows")
        .contains("test-executor-loss: passed");
  }
}
