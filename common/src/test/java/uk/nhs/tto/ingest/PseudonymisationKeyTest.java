package uk.nhs.tto.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;

class PseudonymisationKeyTest {

  private static final Configuration CONF = new Configuration();
  private static final String KEY_A = ExtractFixture.KEY;
  private static final String KEY_B = "another-test-key-of-more-than-sixteen-chars";

  /* printf 'P1' | openssl dgst -sha256 -hmac 'a-test-key-of-more-than-sixteen-characters' */
  private static final String HMAC_P1_KEY_A = "44d9d60a06f87cd17161a48a9c2a10471037ad94516c05408e8d0ab8442eec9f";

  @TempDir Path tmp;

  private String lake() {
    return tmp.resolve("lake").toString();
  }

  private Path keyFile(String name, String content, String permissions) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  /* HMAC-SHA256 test vector computed independently of this code base, with openssl (above). */
  @Test
  void pseudonymIsTheHexHmacSha256OfTheValueUnderTheKey() {
    Pseudonymiser p = PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, KEY_A).pseudonymiser();
    assertThat(p.pseudonym("P1")).isEqualTo(HMAC_P1_KEY_A);
  }

  @Test
  void sameValueAndKeyGiveTheSamePseudonymAndAnotherKeyAnother() {
    Pseudonymiser a1 = PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, KEY_A).pseudonymiser();
    Pseudonymiser a2 = PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, KEY_A).pseudonymiser();
    Pseudonymiser b = PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, KEY_B).pseudonymiser();
    assertThat(a1.pseudonym("P1")).isEqualTo(a2.pseudonym("P1")).isNotEqualTo(b.pseudonym("P1"));
    assertThat(a1.pseudonym("P1")).isNotEqualTo(a1.pseudonym("P2")).matches("[0-9a-f]{64}");
    assertThat(a1.pseudonym(null)).isNull();
  }

  @Test
  void theEnvironmentVariableComesBeforeTheKeyFile() throws Exception {
    Path file = keyFile("key", KEY_B, "rw-------");
    Settings settings = Settings.defaults().with(Keys.KEY_FILE, file.toString());
    PseudonymisationKey fromEnvironment = PseudonymisationKey.resolve(settings, lake(), CONF, KEY_A);
    PseudonymisationKey fromFile = PseudonymisationKey.resolve(settings, lake(), CONF, null);
    assertThat(fromEnvironment.source()).isEqualTo("environment variable TTO_PSEUDONYMISATION_KEY");
    assertThat(fromFile.source()).isEqualTo("key file " + file);
    assertThat(fromEnvironment.pseudonymiser().pseudonym("P1")).isEqualTo(HMAC_P1_KEY_A);
    assertThat(fromFile.pseudonymiser().pseudonym("P1")).isNotEqualTo(HMAC_P1_KEY_A);
  }

  @Test
  void aKeyFileIsReadWithoutItsTrailingNewline() throws Exception {
    Path file = keyFile("key", KEY_A + "\n", "r--------");
    Settings settings = Settings.defaults().with(Keys.KEY_FILE, file.toString());
    assertThat(PseudonymisationKey.resolve(settings, lake(), CONF, null).pseudonymiser().pseudonym("P1"))
        .isEqualTo(HMAC_P1_KEY_A);
  }

  @Test
  void aKeyFileOthersCanReadIsRefused() throws Exception {
    Path groupReadable = keyFile("group", KEY_A, "rw-r-----");
    Path worldReadable = keyFile("world", KEY_A, "rw----r--");
    for (Path file : new Path[] {groupReadable, worldReadable}) {
      Settings settings = Settings.defaults().with(Keys.KEY_FILE, file.toString());
      assertThatThrownBy(() -> PseudonymisationKey.resolve(settings, lake(), CONF, null))
          .isInstanceOf(TtoException.class)
          .hasMessageContaining("is accessible to other users")
          .hasMessageContaining("chmod 600 " + file)
          .hasMessageNotContaining(KEY_A);
    }
  }

  @Test
  void aMissingKeyFileIsAnError() {
    Settings settings = Settings.defaults().with(Keys.KEY_FILE, tmp.resolve("absent").toString());
    assertThatThrownBy(() -> PseudonymisationKey.resolve(settings, lake(), CONF, null))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void aShortKeyIsRefusedWithoutShowingIt() {
    assertThatThrownBy(() -> PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, "short-secret"))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("holds a key of 12 characters")
        .hasMessageNotContaining("short-secret");
  }

  @Test
  void whenAKeyIsRequiredAndNoneIsGivenTheErrorSaysHowToProvideOne() {
    Settings settings = Settings.defaults().with(Keys.KEY_REQUIRED, "true");
    assertThatThrownBy(() -> PseudonymisationKey.resolve(settings, lake(), CONF, null))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("No pseudonymisation key")
        .hasMessageContaining("TTO_PSEUDONYMISATION_KEY")
        .hasMessageContaining(Keys.KEY_FILE);
    assertThat(tmp.resolve("lake/_secrets")).doesNotExist();
  }

  @Test
  void withoutAKeyTheLocalProfileGeneratesOneOwnerOnlyKeyPerLakehouseAndReusesIt() throws Exception {
    PseudonymisationKey first = PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, null);
    Path key = tmp.resolve("lake/_secrets/pseudonymisation.key");
    assertThat(key).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent()))).isEqualTo("rwx------");
    assertThat(Files.readString(key).trim()).matches("[0-9a-f]{64}");
    assertThat(first.source()).endsWith("(generated now)");

    PseudonymisationKey again = PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, null);
    assertThat(again.source()).doesNotContain("generated now");
    assertThat(again.pseudonymiser().pseudonym("P1")).isEqualTo(first.pseudonymiser().pseudonym("P1"));

    PseudonymisationKey otherLake =
        PseudonymisationKey.resolve(Settings.defaults(), tmp.resolve("other").toString(), CONF, null);
    assertThat(otherLake.pseudonymiser().pseudonym("P1")).isNotEqualTo(first.pseudonymiser().pseudonym("P1"));
  }

  @Test
  void aGeneratedKeyThatOthersCanReadIsRefusedToo() throws Exception {
    PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, null);
    Path key = tmp.resolve("lake/_secrets/pseudonymisation.key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, null))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("is accessible to other users (permissions rw-r--r--)");
  }

  @Test
  void thePseudonymiserNeverShowsItsKey() {
    Pseudonymiser p = PseudonymisationKey.resolve(Settings.defaults(), lake(), CONF, KEY_A).pseudonymiser();
    assertThat(p.toString()).doesNotContain(KEY_A);
  }
}
