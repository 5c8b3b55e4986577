package uk.nhs.tto.testing;

import java.nio.file.Path;
import java.util.Map;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.generate.Generator;

/** For tests that run the pipeline on extracts the generator wrote. */
public final class GeneratedExtracts {

  private GeneratedExtracts() {}

  /**
   * The built-in defaults pointed at the generated extracts' own cohort file and the project's measure catalogue
   * and therapy codes (paths relative to a module's folder, where the tests run); add what a test needs with
   * {@link Settings#with}.
   */
  public static Settings settings(Path extracts) {
    return Settings.defaults()
        .with(Map.of(
            Keys.COHORTS, extracts.resolve(Generator.COHORTS_FILE).toString(),
            Keys.MEASURES, "../conf/measures.csv",
            Keys.THERAPY_CODES, "../conf/therapy-codes.csv"));
  }
}
