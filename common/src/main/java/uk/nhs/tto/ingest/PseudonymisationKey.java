package uk.nhs.tto.ingest;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;

/**
 * Finds the secret key of the pseudonymisation HMAC, by one precedence: the environment variable
 * {@code TTO_PSEUDONYMISATION_KEY} (read here and nowhere else; {@link Settings} deliberately skips it), else the
 * file named by {@code tto.pseudonymisation.key.file}, else — only when {@code tto.pseudonymisation.key.required}
 * is false, as in the local profile — a key generated once per lakehouse at
 * {@code <lake>/_secrets/pseudonymisation.key} with owner-only permissions and reused afterwards.
 *
 * <p>A key file that other users can access is refused: with the key anyone can recompute pseudonyms from
 * identifiers they know. The key is never printed, logged or written anywhere but its own file.
 */
public final class PseudonymisationKey {

  static final String ENVIRONMENT_VARIABLE = "TTO_PSEUDONYMISATION_KEY";

  /** Where a generated key lives, below the lakehouse root. */
  static final String GENERATED_KEY = "_secrets/pseudonymisation.key";

  private static final int MIN_LENGTH = 16;
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);
  private static final String MAKE_ONE =
      "make one with: openssl rand -hex 32 > pseudonymisation.key && chmod 600 pseudonymisation.key";

  private final Pseudonymiser pseudonymiser;
  private final String source;

  private PseudonymisationKey(byte[] key, String source) {
    this.pseudonymiser = new Pseudonymiser(key);
    this.source = source;
  }

  /** The pseudonymiser keyed by the key this run must use. */
  public Pseudonymiser pseudonymiser() {
    return pseudonymiser;
  }

  /** Where the key came from (never the key), for progress output. */
  public String source() {
    return source;
  }

  /** Resolves the key for a lakehouse by the documented precedence. */
  public static PseudonymisationKey resolve(Settings settings, String lakeRoot, Configuration conf) {
    return resolve(settings, lakeRoot, conf, System.getenv(ENVIRONMENT_VARIABLE));
  }

  /** As {@link #resolve(Settings, String, Configuration)} with the environment variable's value given. */
  static PseudonymisationKey resolve(Settings settings, String lakeRoot, Configuration conf, String environment) {
    if (environment != null && !environment.isBlank()) {
      return new PseudonymisationKey(
          checkedKey(environment, "The environment variable " + ENVIRONMENT_VARIABLE),
          "environment variable " + ENVIRONMENT_VARIABLE);
    }
    if (settings.has(Keys.KEY_FILE)) {
      Path file = localPath(settings.string(Keys.KEY_FILE));
      if (!Files.isRegularFile(file)) {
        throw TtoException.of(
            "Pseudonymisation key file " + file + " (" + Keys.KEY_FILE + ") does not exist",
            "ingest needs the key to pseudonymise Person_ID, PathwayID and CareProfLocalId",
            "correct " + Keys.KEY_FILE + ", or " + MAKE_ONE);
      }
      return new PseudonymisationKey(readKeyFile(file), "key file " + file);
    }
    if (settings.flag(Keys.KEY_REQUIRED)) {
      throw TtoException.of(
          "No pseudonymisation key",
          Keys.KEY_REQUIRED + " is true (profile " + settings.stringOr(Keys.PROFILE, "?") + ") and neither "
              + ENVIRONMENT_VARIABLE + " nor " + Keys.KEY_FILE + " gives a key",
          "set " + ENVIRONMENT_VARIABLE + " in the job's environment, or set " + Keys.KEY_FILE + " to an owner-only"
              + " file holding at least 32 random characters; " + MAKE_ONE);
    }
    return lakehouseKey(lakeRoot, conf);
  }

  /** The lakehouse's own key, generated on first use (local profile only). */
  private static PseudonymisationKey lakehouseKey(String lakeRoot, Configuration conf) {
    org.apache.hadoop.fs.Path location = new org.apache.hadoop.fs.Path(lakeRoot, GENERATED_KEY);
    Path file;
    try {
      FileSystem fs = location.getFileSystem(conf);
      if (!"file".equals(fs.getScheme())) {
        throw TtoException.of(
            "Cannot keep a generated pseudonymisation key in the lakehouse " + lakeRoot,
            "owner-only file permissions cannot be enforced on " + fs.getScheme() + ":// storage",
            "set " + ENVIRONMENT_VARIABLE + " or " + Keys.KEY_FILE + " (and " + Keys.KEY_REQUIRED + " = true in"
                + " this profile)");
      }
      file = Path.of(fs.makeQualified(location).toUri());
    } catch (IOException e) {
      throw TtoException.of("Cannot open the lakehouse " + lakeRoot, e.toString(), "check --lake", e);
    }
    if (Files.exists(file)) {
      return new PseudonymisationKey(readKeyFile(file), "lakehouse key " + file);
    }
    try {
      Path dir = file.getParent();
      Files.createDirectories(dir.getParent());
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException exists) {
        // made by an earlier or concurrent run
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      Path temporary =
          Files.createTempFile(
              dir, ".pseudonymisation", ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temporary, HexFormat.of().formatHex(random) + "\n", StandardCharsets.UTF_8);
      try {
        // A hard link is created only if the name is free: if another run generated a key meanwhile, use theirs.
        Files.createLink(file, temporary);
      } catch (FileAlreadyExistsException raced) {
        // the other run's key wins
      } finally {
        Files.delete(temporary);
      }
    } catch (IOException e) {
      throw TtoException.of(
          "Cannot create the lakehouse pseudonymisation key " + file, e.toString(),
          "check that the lakehouse folder is writable, or set " + ENVIRONMENT_VARIABLE, e);
    }
    return new PseudonymisationKey(readKeyFile(file), "lakehouse key " + file + " (generated now)");
  }

  private static Path localPath(String value) {
    if (value.startsWith("file:")) {
      return Path.of(URI.create(value));
    }
    if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw TtoException.of(
          Keys.KEY_FILE + " is " + value,
          "the key file must be a local file, whose owner-only permissions can be checked",
          "copy the key to a local file readable only by the job's user (chmod 600), or set "
              + ENVIRONMENT_VARIABLE);
    }
    return Path.of(value);
  }

  private static byte[] readKeyFile(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.stream().anyMatch(OTHERS::contains)) {
        throw TtoException.of(
            "Pseudonymisation key file " + file + " is accessible to other users (permissions "
                + PosixFilePermissions.toString(permissions) + ")",
            "anyone who can read the key can recompute pseudonyms from identifiers they know",
            "make it readable by its owner only: chmod 600 " + file);
      }
      return checkedKey(Files.readString(file, StandardCharsets.UTF_8), "Pseudonymisation key file " + file);
    } catch (UnsupportedOperationException e) {
      throw TtoException.of(
          "Cannot check the permissions of pseudonymisation key file " + file,
          "its file system has no POSIX permissions",
          "keep the key on a POSIX file system, or set " + ENVIRONMENT_VARIABLE);
    } catch (IOException e) {
      throw TtoException.of(
          "Cannot read pseudonymisation key file " + file, e.toString(), "check that it is readable by the job's user",
          e);
    }
  }

  private static byte[] checkedKey(String text, String what) {
    String key = text.trim();
    if (key.length() < MIN_LENGTH) {
      throw TtoException.of(
          what + " holds a key of " + key.length() + " characters",
          "a key shorter than " + MIN_LENGTH + " characters can be guessed",
          "use at least 32 random characters; " + MAKE_ONE);
    }
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
