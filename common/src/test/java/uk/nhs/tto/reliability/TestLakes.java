package uk.nhs.tto.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.testing.KeyFiles;

/**
 * Settings for running the whole pipeline in a test folder: the project's measure catalogue and therapy codes, a
 * cohort file that puts the hostile corpus's clean service in a cohort, and a pseudonymisation key in an
 * owner-only key file.
 */
public final class TestLakes {

  /** The key the tests pseudonymise with; long and distinctive so that a leak of it is easy to find. */
  public static final String KEY = "reliability-test-key-7c1e0a9f5b3d42e8a6f0";

  /** Only CLEAN is in a cohort (change on 2024-02-01, 3-month window), so its courses are given a cohort. */
  public static final String COHORTS = "OrgID_Provider,ChangeDate,WindowMonths,WashoutDays\nCLEAN,2024-02-01,3,0\n";

  private TestLakes() {}

  /** Settings whose key file, cohort file and lake live below {@code dir}. */
  public static Settings settings(Path dir) {
    try {
      Files.createDirectories(dir);
      Path key = KeyFiles.ownerOnly(dir.resolve("pseudonymisation.key"), KEY);
      Path cohorts = dir.resolve("cohorts.csv");
      Files.writeString(cohorts, COHORTS, StandardCharsets.UTF_8);
      return Settings.defaults()
          .with(
              Map.of(
                  Keys.KEY_FILE, key.toString(),
                  Keys.COHORTS, cohorts.toString(),
                  Keys.MEASURES, ProjectTree.conf("measures.csv").toString(),
                  Keys.THERAPY_CODES, ProjectTree.conf("therapy-codes.csv").toString(),
                  Keys.LAKE, dir.resolve("lake").toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
