package uk.nhs.tto.analysis;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Provenance of one analysis run: a row of {@code results.runs}. It names everything the results depend on — the
 * Delta version of each input table, the configuration (and its SHA-256), the code version — so that any result
 * row can be traced and reproduced ({@code analyse --as-of-run RUN_ID}).
 *
 * @param asOf how the inputs were chosen ({@code latest}, {@code version 3}, {@code run …})
 * @param codeVersion git commit of the code ({@code unknown} when it cannot be found)
 * @param inputVersions table ({@code layer.table}) to the Delta version read
 * @param generatorSeed the synthetic-data generator's seed when the extracts were generated, else null
 * @param quality quarantined rows by table, stage and rule at the pinned versions
 */
public record RunRecord(
    String runId,
    Instant startedAt,
    Instant endedAt,
    String commandLine,
    String asOf,
    String configJson,
    String configSha256,
    String codeVersion,
    Map<String, Long> inputVersions,
    Long generatorSeed,
    List<QualityCount> quality) {

  public RunRecord {
    inputVersions = Collections.unmodifiableMap(new TreeMap<>(inputVersions));
    quality = List.copyOf(quality);
  }
}
