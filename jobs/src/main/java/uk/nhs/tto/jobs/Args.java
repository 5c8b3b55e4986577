package uk.nhs.tto.jobs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.nhs.tto.errors.TtoException;

/** Command-line options: {@code --name value} pairs, {@code --flag} switches and positional words. */
public final class Args {

  private final String command;
  private final Map<String, String> options;
  private final List<String> positional;

  private Args(String command, Map<String, String> options, List<String> positional) {
    this.command = command;
    this.options = options;
    this.positional = positional;
  }

  /**
   * Parses {@code argv} after the command word. {@code flags} are the option names that take no value
   * (e.g. {@code ml}, {@code help}); every other {@code --name} takes the next word as its value.
   */
  public static Args parse(String command, String[] argv, Set<String> flags) {
    Map<String, String> options = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (a.equals("-e") && i + 1 < argv.length) {
        options.put("e", argv[++i]);
      } else if (a.startsWith("--")) {
        String name = a.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        } else if (flags.contains(name)) {
          value = "true";
        } else {
          if (i + 1 >= argv.length) {
            throw TtoException.of(
                "Option --" + name + " has no value",
                "it must be followed by a value",
                "write --" + name + " VALUE (see scripts/tto " + command + " --help)");
          }
          value = argv[++i];
        }
        options.put(name, value);
      } else {
        positional.add(a);
      }
    }
    return new Args(command, Collections.unmodifiableMap(options), Collections.unmodifiableList(positional));
  }

  public String command() {
    return command;
  }

  public boolean has(String name) {
    return options.containsKey(name);
  }

  public String get(String name) {
    return options.get(name);
  }

  public String getOr(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  /** A required option, with a message naming the command when it is missing. */
  public String require(String name, String what) {
    String v = options.get(name);
    if (v == null || v.isBlank()) {
      throw TtoException.of(
          "scripts/tto " + command + " needs --" + name,
          "it gives " + what,
          "add --" + name + " VALUE (see scripts/tto " + command + " --help)");
    }
    return v;
  }

  public int intOr(String name, int fallback) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw TtoException.of("--" + name + " is '" + v + "'", "it must be a whole number", "correct the option");
    }
  }

  public long longOr(String name, long fallback) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw TtoException.of("--" + name + " is '" + v + "'", "it must be a whole number", "correct the option");
    }
  }

  public double doubleOr(String name, double fallback) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw TtoException.of("--" + name + " is '" + v + "'", "it must be a number", "correct the option");
    }
  }

  public Map<String, String> options() {
    return options;
  }

  public List<String> positional() {
    return positional;
  }
}
