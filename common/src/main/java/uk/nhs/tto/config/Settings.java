package uk.nhs.tto.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import uk.nhs.tto.errors.DidYouMean;
import uk.nhs.tto.errors.TtoException;

/**
 * The one place configuration is read, with one documented precedence (highest first):
 *
 * <ol>
 *   <li>command-line options ({@code --lake DIR} sets {@code tto.lake});
 *   <li>the file given with {@code --conf FILE};
 *   <li>environment variables {@code TTO_<KEY>} ({@code tto.lake} is {@code TTO_LAKE}, dots become underscores);
 *   <li>the profile file {@code conf/local.conf} (or the profile named by {@code --profile});
 *   <li>the built-in defaults in {@link Keys}.
 * </ol>
 *
 * <p>Files are Java properties ({@code key = value}, {@code #} comments). Keys are documented in
 * {@code conf/local.conf}. Nothing else in the code base reads {@code System.getenv} or a config file.
 */
public final class Settings {

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** Settings with only the built-in defaults: the starting point for tests. */
  public static Settings defaults() {
    return new Settings(Keys.DEFAULTS);
  }

  /**
   * The file of a profile: {@code <confDir>/<profile>.conf}. A profile asked for by name ({@code --profile} or
   * {@code TTO_PROFILE}) must have its file: a mistyped name would otherwise run silently with the built-in defaults
   * (local master, local lakehouse) where the analyst meant a cluster or S3. The default profile may be absent (the
   * built-in defaults are the local profile's).
   */
  public static Path profileFile(Path confDir, String profile, boolean named) {
    Path file = confDir.resolve(profile + ".conf");
    if (named && !Files.isRegularFile(file)) {
      String known;
      try (var files = Files.list(confDir)) {
        known = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".conf"))
            .map(n -> n.substring(0, n.length() - ".conf".length())).sorted().collect(Collectors.joining(", "));
      } catch (IOException | UncheckedIOException e) {
        known = "none: " + confDir.toAbsolutePath() + " cannot be read";
      }
      throw TtoException.withExitCode(TtoException.USAGE,
          "Profile '" + profile + "' has no file " + file.toAbsolutePath(),
          "a profile is the file conf/<name>.conf, and the profile was asked for with --profile or TTO_PROFILE",
          "use one of the profiles there (" + known + "), or create " + file);
    }
    return file;
  }

  /** Resolves settings by the documented precedence. */
  public static Settings resolve(
      Path profileFile, Path confFile, Map<String, String> env, Map<String, String> cliOverrides) {
    Map<String, String> merged = new LinkedHashMap<>(Keys.DEFAULTS);
    if (profileFile != null && Files.exists(profileFile)) {
      merged.putAll(readFile(profileFile));
    }
    env.forEach(
        (k, v) -> {
          if (k.startsWith("TTO_") && !k.equals("TTO_PSEUDONYMISATION_KEY")) {
            merged.put("tto." + k.substring(4).toLowerCase().replace('_', '.'), v);
          }
        });
    if (confFile != null) {
      if (!Files.exists(confFile)) {
        throw TtoException.of(
            "Configuration file " + confFile + " does not exist",
            "it was given with --conf",
            "check the path, or leave out --conf to use conf/local.conf");
      }
      merged.putAll(readFile(confFile));
    }
    merged.putAll(cliOverrides);
    return new Settings(merged);
  }

  /** A copy with some values replaced (highest precedence). */
  public Settings with(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(values);
    merged.putAll(overrides);
    return new Settings(merged);
  }

  /** A copy with one value replaced. */
  public Settings with(String key, String value) {
    return with(Map.of(key, value));
  }

  public String string(String key) {
    String v = values.get(key);
    if (v == null) {
      throw TtoException.of(
          "Setting '" + key + "' is not set",
          "the job needs it and it has no default",
          "add '" + key + " = …' to conf/local.conf or the file given with --conf");
    }
    return v.trim();
  }

  public String stringOr(String key, String fallback) {
    String v = values.get(key);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  public boolean has(String key) {
    String v = values.get(key);
    return v != null && !v.isBlank();
  }

  public int integer(String key) {
    String v = string(key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw TtoException.of(
          "Setting '" + key + "' is '" + v + "'", "it must be a whole number", "correct it in the configuration");
    }
  }

  public double number(String key) {
    String v = string(key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw TtoException.of(
          "Setting '" + key + "' is '" + v + "'", "it must be a number", "correct it in the configuration");
    }
  }

  public boolean flag(String key) {
    String v = stringOr(key, "false");
    return v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes");
  }

  /** All keys with a prefix, prefix removed (e.g. {@code spark.} pass-through options). */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v.trim());
          }
        });
    return out;
  }

  /** Every setting, for provenance (results.runs) and its hash. Secrets are never stored here. */
  public Map<String, String> asMap() {
    return values;
  }

  private static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw TtoException.of(
          "Cannot read configuration file " + file, e.getMessage(), "check that the file exists and is readable", e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : new TreeSet<>(p.stringPropertyNames())) {
      if (!Keys.known(k)) {
        String near = DidYouMean.nearest(k, Keys.NAMES);
        throw TtoException.of(
            "Unknown setting '" + k + "' in " + file,
            "tt-outcomes reads no such key, so its value would be ignored without a word",
            (near == null ? "" : "did you mean '" + near + "'? ")
                + "Correct or remove it; conf/local.conf documents every key");
      }
      out.put(k, p.getProperty(k));
    }
    return out;
  }
}
