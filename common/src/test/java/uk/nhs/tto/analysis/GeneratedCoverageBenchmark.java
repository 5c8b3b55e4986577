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
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.generate.Codebook;
import uk.nhs.tto.generate.Generator;
import uk.nhs.tto.generate.GeneratorOptions;
import uk.nhs.tto.generate.Scale;
import uk.nhs.tto.ingest.Ingest;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.GeneratedExtracts;
import uk.nhs.tto.testing.SparkExtension;
import uk.nhs.tto.testing.Trees;

/**
 * Coverage of the cohort analysis's 95% intervals end to end (run by {@code scripts/bench-coverage --generated},
 * not in CI): for each replicate seed the extract generator writes the seed study's design ({@link Scale#SEED_STUDY}:
 * 20 services over 36 months, the seed study's effects planted), and ingest, derive and analyse run on it as the
 * commands do, into a lakehouse of its own; per domain, the share of Satterthwaite intervals containing the planted
 * value must lie in 90–99%. Unlike {@link CohortCoverageBenchmark}, which simulates gold tables from the model the
 * analysis fits, this measures the whole chain: the generator's data (random service slopes, scores
 * cut off at their range, items summed, re-submissions), pairing and cohort assignment. Properties:
 * {@code tto.bench.replicates} (100), {@code tto.bench.seed} (first seed, 1), {@code tto.bench.out} (Markdown
 * result file), {@code tto.bench.dir} (work folder; each replicate's extracts and lake are deleted after use).
 */
@Tag("heavy")
@ExtendWith(SparkExtension.class)
class GeneratedCoverageBenchmark {

  @Test
  void satterthwaiteIntervalsCoverTheEffectsPlantedInGeneratedExtracts(SparkSession spark) throws Exception {
    int replicates = Integer.getInteger("tto.bench.replicates", 100);
    long firstSeed = Long.getLong("tto.bench.seed", 1L);
    Path out = Path.of(System.getProperty("tto.bench.out", "target/bench-coverage-generated.md"));
    Path work = Path.of(System.getProperty("tto.bench.dir", "target/bench-coverage-generated"));
    // One row per replicate and domain, for looking into a result: the model's estimate and SE beside the
    // cohorts' own counts, mean changes and SDs of the change (the unadjusted DiD and its two-sample SE).
    Path rows = Path.of(out.toString().replaceFirst("\\.md$", "") + ".tsv");
    Files.createDirectories(rows.toAbsolutePath().getParent());
    Files.writeString(rows, "seed\tdomain\testimate\tse\tsat_low\tsat_high\tn_pre\tn_post\tmean_change_pre"
        + "\tmean_change_post\tsd_change_pre\tsd_change_post\n", StandardCharsets.UTF_8);
    Codebook codebook = GeneratedExtracts.codebook();
    Map<String, Double> planted = new LinkedHashMap<>();
    GeneratorOptions.SEED_STUDY_EFFECTS.forEach((d, v) -> planted.put(d.label(), v));
    CoverageTally tally = new CoverageTally(planted);
    long preClients = 0;
    long postClients = 0;
    long services = 0;

    long t0 = System.nanoTime();
    for (int r = 0; r < replicates; r++) {
      long seed = firstSeed + r;
      Path dir = work.resolve("seed-" + seed);
      Trees.delete(dir);
      Path extracts = dir.resolve("extracts");
      Generator.generate(GeneratorOptions.builder(extracts, codebook).scale(Scale.SEED_STUDY).seed(seed).build(),
          line -> { });
      Settings settings = GeneratedExtracts.settings(extracts)
          .with(Map.of(Keys.EXTRACTS, extracts.toString(), Keys.REPORTS, dir.resolve("reports").toString()));
      Lake lake = new Lake(spark, dir.resolve("lake").toString());
      Ingest.run(lake, settings, extracts.toString());
      Derive.run(lake, settings);
      AnalysisResult result = CohortAnalysis.run(lake, settings, AsOf.latest(), "bench");
      for (DomainResult d : result.domains()) {
        tally.add(d);
        Files.writeString(rows, String.format(Locale.ROOT, "%d\t%s\t%.6f\t%.6f\t%.6f\t%.6f\t%d\t%d\t%.6f\t%.6f\t%.6f\t%.6f%n",
            seed, d.domain(), d.did().estimate(), d.did().se(), d.did().satLow(), d.did().satHigh(), d.pre().clients(),
            d.post().clients(), d.pre().meanChange(), d.post().meanChange(), d.pre().sdChange(), d.post().sdChange()),
            StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        if (d.domain().equals("depression")) {
          preClients += d.pre().clients();
          postClients += d.post().clients();
          services += Math.max(d.pre().services(), d.post().services());
        }
      }
      Trees.delete(dir);
      // Delta keeps every table's state it has read; a replicate's lake is gone, so its states must go too.
      SparkExtension.forgetCaches();
      System.err.printf(Locale.ROOT, "bench-coverage: replicate %d/%d (seed %d) done (%.0f s)%n", r + 1, replicates,
          seed, (System.nanoTime() - t0) / 1e9);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;

    String md = String.format(Locale.ROOT,
        "Command: `scripts/bench-coverage --generated %d %d` (%s, 2 cores, 24 GiB; %.0f s for all replicates, %.1f s"
            + " each, one JVM and SparkSession).%n%n", replicates, firstSeed, LocalDate.now(), seconds,
        seconds / replicates)
        + String.format(Locale.ROOT,
        "Design: %d replicates (seeds %d–%d), each `scripts/tto generate --scale seed-study --seed S` (20 services,"
            + " 36 monthly submissions each, the seed study's effects planted; its generator.json states the"
            + " model: service, therapist and client intercepts, a random service slope on time, courses that"
            + " respond or not, scores cut off at their range, model version %d), then ingest, derive and analyse (REML, `score ~ time * cohort +"
            + " (1 | service/therapist/client)`, default configuration) into a lakehouse of its own. Depression"
            + " pairs per replicate: %.0f pre and %.0f post HIGH-intensity clients (the seed study: 2,434 and"
            + " 2,358) in %.1f services on average.%n%n",
        replicates, firstSeed, firstSeed + replicates - 1, Generator.MODEL_VERSION, (double) preClients / replicates,
        (double) postClients / replicates, (double) services / replicates)
        + tally.markdown();
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md, StandardCharsets.UTF_8);
    System.err.print(md);
    assertThat(tally.allPass()).as("every domain's coverage in 90-99%%:%n%s", md).isTrue();
  }
}
