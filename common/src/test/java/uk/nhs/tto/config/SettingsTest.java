package uk.nhs.tto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.errors.TtoException;

/** Settings: one precedence (command line, --conf, environment, profile, built-in defaults) and profiles by name. */
class SettingsTest {

  @Test
  void eachSourceOverridesTheOnesBelowIt(@TempDir Path dir) throws Exception {
    Path profile = Files.writeString(dir.resolve("local.conf"), "tto.lake = from-profile\ntto.reports = profile\n"
        + "tto.master = profile\ntto.progress = profile\n");
    Path conf = Files.writeString(dir.resolve("mine.conf"), "tto.lake = from-conf\ntto.reports = conf\n");
    Settings s = Settings.resolve(profile, conf,
        Map.of("TTO_LAKE", "from-env", "TTO_REPORTS", "env", "TTO_MASTER", "env"),
        Map.of("tto.lake", "from-command-line"));
    assertThat(s.string("tto.lake")).isEqualTo("from-command-line");
    assertThat(s.string("tto.reports")).isEqualTo("conf");
    assertThat(s.string("tto.master")).isEqualTo("env");
    assertThat(s.string("tto.progress")).isEqualTo("profile");
  }

  @Test
  void theLocalProfileDocumentsEveryKeyTheCodeReads() throws Exception {
    String profile = Files.readString(Path.of("../conf/local.conf"));
    for (String key : Keys.NAMES) {
      assertThat(profile).as("conf/local.conf mentions " + key).contains(key);
    }
  }

  @Test
  void theKeyIsNeverASetting() {
    Settings s = Settings.resolve(null, null, Map.of("TTO_PSEUDONYMISATION_KEY", "secret"), Map.of());
    assertThat(s.asMap()).doesNotContainValue("secret");
  }

  @Test
  void aProfileAskedForByNameMustHaveItsFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("local.conf"), "");
    Files.writeString(dir.resolve("cluster.conf"), "");
    assertThat(Settings.profileFile(dir, "cluster", true)).isEqualTo(dir.resolve("cluster.conf"));
    assertThatThrownBy(() -> Settings.profileFile(dir, "clsuter", true))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("Profile 'clsuter' has no file")
        .hasMessageContaining("cluster, local");
  }

  @Test
  void theDefaultProfileMayBeAbsentAndThenTheBuiltInDefaultsApply(@TempDir Path dir) {
    Path file = Settings.profileFile(dir, "local", false);
    Settings s = Settings.resolve(file, null, Map.of(), Map.of());
    assertThat(s.asMap()).isEqualTo(Settings.defaults().asMap());
  }

  @Test
  void aMisspeltKeyInAFileIsRefusedWithTheKeyMeant(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("mine.conf"), "tto.lake = L\ntto.analysis.metod = ML\n");

    assertThatThrownBy(() -> Settings.resolve(null, conf, Map.of(), Map.of()))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("Unknown setting 'tto.analysis.metod' in " + conf)
        .hasMessageContaining("did you mean 'tto.analysis.method'?");
  }

  @Test
  void keysUnderAPrefixAreKnownButNotThePrefixAlone(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("mine.conf"),
        "tto.spark.spark.sql.shuffle.partitions = 3\ntto.subgroups.severity.CORE10 = 0-10,11-40\n");

    assertThat(Settings.resolve(null, conf, Map.of(), Map.of()).withPrefix(Keys.SPARK_PREFIX))
        .containsEntry("spark.sql.shuffle.partitions", "3");
    assertThat(Keys.known("tto.spark.")).isFalse();
    assertThat(Keys.known("tto.sparkle")).isFalse();
  }

  @Test
  void everyKeyTheProjectsOwnProfilesSetIsKnown() {
    for (String profile : new String[] {"local", "cluster", "s3"}) {
      Path file = Path.of("../conf", profile + ".conf");
      assertThat(Settings.resolve(file, null, Map.of(), Map.of()).asMap()).as(profile).isNotEmpty();
    }
  }
}
