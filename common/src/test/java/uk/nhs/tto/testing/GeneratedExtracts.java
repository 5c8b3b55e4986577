package uk.nhs.tto.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.generate.Codebook;
import uk.nhs.tto.generate.GenerationSummary;
import uk.nhs.tto.generate.Generator;
import uk.nhs.tto.generate.GeneratorOptions;

/** For tests that run the pipeline on extracts the generator wrote. */
public final class GeneratedExtracts {

  /** The project's measure catalogue and therapy codes, relative to a module's folder, where the tests run. */
  private static final String MEASURES = "../conf/measures.csv";
  private static final String THERAPY_CODES = "../conf/therapy-codes.csv";

  private GeneratedExtracts() {}

  /** The project's codebook (conf/measures.csv and conf/therapy-codes.csv). */
  public static Codebook codebook() {
    return Codebook.load(Path.of(MEASURES), Path.of(THERAPY_CODES));
  }

  /**
   * Generates extracts into {@code out} with the project's codebook and the builder's defaults as {@code options}
   * changes them (services, months, seed…), quietly.
   */
  public static GenerationSummary generate(Path out, UnaryOperator<GeneratorOptions.Builder> options) {
    return Generator.generate(options.apply(GeneratorOptions.builder(out, codebook())).build(), line -> { });
  }

  /**
   * The built-in defaults pointed at the generated extracts' own cohort file and the project's measure catalogue
   * and therapy codes; add what a test needs with {@link Settings#with}.
   */
  public static Settings settings(Path extracts) {
    return Settings.defaults()
        .with(Map.of(
            Keys.COHORTS, extracts.resolve(Generator.COHORTS_FILE).toString(),
            Keys.MEASURES, MEASURES,
            Keys.THERAPY_CODES, THERAPY_CODES));
  }
}
