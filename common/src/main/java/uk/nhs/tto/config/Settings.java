package uk.nhs.tto.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }
}
