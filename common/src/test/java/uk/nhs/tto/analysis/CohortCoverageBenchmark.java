package uk.nhs.tto.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.testing.GoldFixtures;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Coverage of the cohort analysis's 95% intervals by simulation (run by {@code scripts/bench-coverage}, not in CI):
 * replicate gold tables at the seed study's cohort sizes with the seed study's effects planted, each analysed by
 * {@link CohortAnalysis#analyse} in one JVM and SparkSession; per domain, the share of Satterthwaite intervals
 * containing the planted value must lie in 90–99%. Properties: {@code tto.bench.replicates} (100),
 * {@code tto.bench.seed} (first seed, 1000), {@code tto.bench.out} (Markdown result file).
 */
@Tag("heavy")
@ExtendWith(SparkExtension.class)
class CohortCoverageBenchmark {

  @Test
  void satterthwaiteIntervalsCoverThePlantedEffectInNinetyToNinetyNinePercentOfReplicates(SparkSession spark)
      throws Exception {
    int replicates = Integer.getInteger("tto.bench.replicates", 100);
    long firstSeed = Long.getLong("tto.bench.seed", 1000L);
    Path out = Path.of(System.getProperty("tto.bench.out", "target/bench-coverage.md"));
    Map<String, Double> planted = new LinkedHashMap<>();
    GoldFixtures.Simulation.SEED_STUDY_DID.forEach((m, v) -> planted.put(GoldFixtures.DOMAIN_OF.get(m), v));
    CoverageTally tally = new CoverageTally(planted);
    GoldFixtures.Simulation simulation = new GoldFixtures.Simulation();

    long t0 = System.nanoTime();
    for (int r = 0; r < replicates; r++) {
      GoldFixtures.Tables gold = simulation.generate(firstSeed + r);
      CohortAnalysis.Analysed a =
          CohortAnalysis.analyse(gold.courses(spark), gold.pairs(spark), AnalysisConfig.defaults(), "bench");
      a.domains().forEach(tally::add);
      System.err.printf(Locale.ROOT, "bench-coverage: replicate %d/%d done (%.0f s)%n", r + 1, replicates,
          (System.nanoTime() - t0) / 1e9);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;

    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "Command: `scripts/bench-coverage %d %d` (%s, 2 cores, 24 GiB; %.0f s for all replicates, %.1f s each, one"
            + " JVM and SparkSession).%n%n", replicates, firstSeed, LocalDate.now(), seconds, seconds / replicates));
    md.append("Design: ").append(replicates).append(" replicate gold tables (seeds ").append(firstSeed).append('–')
        .append(firstSeed + replicates - 1).append(") at the seed study's cohort sizes — 2,434 pre and 2,358 post"
            + " HIGH-intensity finished courses in 20 services with up to 6 therapists each, plus 200 courses the"
            + " analysis must leave out — with every domain paired; scores = μ + δ·time + κ·cohort + did·time·cohort"
            + " + service (SD 1.3) + therapist (0.8) + client (3.1) + residual (4.0), rounded to whole points."
            + " Each replicate runs `CohortAnalysis.analyse` (REML, `score ~ time * cohort + (1 | service/therapist/"
            + "client)`, the four domains from one `fitBySplit` pass).\n\n");
    md.append(tally.markdown());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
    System.err.print(md);
    assertThat(tally.allPass()).as("every domain's coverage in 90-99%%:%n%s", md).isTrue();
  }
}
