package uk.nhs.tto.jobs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import uk.nhs.tto.errors.DidYouMean;
import uk.nhs.tto.errors.TtoException;

/**
 * Command-line options: {@code --name value} pairs, {@code --flag} switches and positional words.
 *
 * <p>Once {@link #accepting} has given a command's option names, an option the user typed that is not among them
 * is refused before anything runs (a misspelt {@code --as-of-verison 3} must not quietly analyse the latest
 * tables), and the command's code may read only options it declared, so the declaration cannot fall behind.
 */
public final class Args {

  private final String command;
  private final Map<String, String> options;
  private final List<String> positional;
  private final Set<String> accepted;

  private Args(String command, Map<String, String> options, List<String> positional, Set<String> accepted) {
    this.command = command;
    this.options = options;
    this.positional = positional;
    this.accepted = accepted;
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
    return new Args(
        command, Collections.unmodifiableMap(options), Collections.unmodifiableList(positional), null);
  }

  /**
   * These options, checked against the names the command accepts: an unknown option, or a positional word where
   * the command takes none, is a usage error naming the nearest accepted option. The returned options refuse to
   * be read under any other name (a programming error, not the user's).
   */
  public Args accepting(Set<String> names, boolean takesWords) {
    for (String name : options.keySet()) {
      if (!names.contains(name)) {
        String near = DidYouMean.nearest(name, names);
        throw TtoException.of(
            "Unknown option --" + name + " for scripts/tto " + command,
            "scripts/tto " + command + " accepts " + list(names),
            (near == null ? "" : "did you mean --" + near + "? ") + "See scripts/tto " + command + " --help");
      }
    }
    if (!takesWords && !positional.isEmpty()) {
      throw TtoException.of(
          "Unexpected word '" + positional.get(0) + "' for scripts/tto " + command,
          "scripts/tto " + command + " takes only options (--name value or --flag)",
          "remove it, or give it as the value of an option (see scripts/tto " + command + " --help)");
    }
    return new Args(command, options, positional, Set.copyOf(names));
  }

  private static String list(Set<String> names) {
    StringBuilder sb = new StringBuilder();
    for (String n : new TreeSet<>(names)) {
      sb.append(sb.length() == 0 ? "" : ", ").append("--").append(n);
    }
    return sb.toString();
  }

  /** Fails when the command's code reads an option it did not declare (see {@link #accepting}). */
  private String declared(String name) {
    if (accepted != null && !accepted.contains(name)) {
      throw new IllegalStateException(
          "scripts/tto " + command + " reads option --" + name + " but does not declare it in Job.options()");
    }
    return name;
  }

  public String command() {
    return command;
  }

  public boolean has(String name) {
    return options.containsKey(declared(name));
  }

  public String get(String name) {
    return options.get(declared(name));
  }

  public String getOr(String name, String fallback) {
    return options.getOrDefault(declared(name), fallback);
  }

  /** A required option, with a message naming the command when it is missing. */
  public String require(String name, String what) {
    String v = options.get(declared(name));
    if (v == null || v.isBlank()) {
      throw TtoException.of(
          "scripts/tto " + command + " needs --" + name,
          "it gives " + what,
          "add --" + name + " VALUE (see scripts/tto " + command + " --help)");
    }
    return v;
  }

  public int intOr(String name, int fallback) {
    String v = options.get(declared(name));
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
    String v = options.get(declared(name));
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
    String v = options.get(declared(name));
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
