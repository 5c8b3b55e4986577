package uk.nhs.tto.reliability;

import java.nio.file.Path;
import uk.nhs.tto.generate.Codebook;
import uk.nhs.tto.generate.Generator;
import uk.nhs.tto.generate.GeneratorOptions;

/**
 * A small synthetic national extract from the project's generator (a few services over a year), for tests that
 * need the whole pipeline to have real work: cohorts with pre and post courses, pairs in every domain, therapists.
 */
final class SyntheticExtract {

  private SyntheticExtract() {}

  /**
   * Generates {@code services} services over 12 months from April 2023 into {@code out}; the generator's cohort
   * file is {@code out/cohorts.csv} (ingest refuses it and the generator's summary as misplaced files, which the
   * tests expect).
   */
  static Path write(Path out, int services, double coursesPerServiceYear, long seed) {
    Codebook codebook = Codebook.load(ProjectTree.conf("measures.csv"), ProjectTree.conf("therapy-codes.csv"));
    Generator.generate(
        GeneratorOptions.builder(out, codebook)
            .services(services)
            .months(12)
            .start("2023-04")
            .coursesPerServiceYear(coursesPerServiceYear)
            .seed(seed)
            .threads(1)
            .build(),
        line -> {});
    return out.resolve(Generator.COHORTS_FILE);
  }
}
