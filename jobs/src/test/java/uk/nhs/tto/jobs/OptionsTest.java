package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.errors.TtoException;

/**
 * A command refuses options it does not know before it starts (a misspelt option must not quietly change what
 * runs), says which it accepts and suggests the one meant; its --help and its declared options agree.
 */
class OptionsTest {

  @Test
  void aMisspeltOptionIsRefusedBeforeAnythingRunsWithTheOptionMeant() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(new String[] {"analyse", "--as-of-verison", "3", "--lake", "/nonexistent/lake"});
    } finally {
      System.setErr(saved);
    }

    assertThat(code).isEqualTo(TtoException.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Unknown option --as-of-verison for scripts/tto analyse")
        .contains("did you mean --as-of-version?")
        .contains("--as-of-run, --as-of-timestamp, --as-of-version")
        // Refused before a Spark session or the lake was opened.
        .doesNotContain("Spark jobs");
  }

  @Test
  void anOptionOfAnotherCommandIsRefusedAndNothingFarOffIsSuggested() {
    assertThatThrownBy(() -> parse("ingest", "--formula", "y ~ x"))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("Unknown option --formula for scripts/tto ingest")
        .hasMessageContaining("accepts --cohorts, --conf, --extracts, --help, --json, --lake, --master, --profile")
        .hasMessageNotContaining("did you mean");
  }

  @Test
  void commonOptionsAndTheCommandsOwnAreAccepted() {
    Args a = parse("analyse", "--lake", "L", "--conf", "c.conf", "--json", "out.json", "--profile", "local", "--ml",
        "--as-of-run", "R");

    assertThat(a.get("as-of-run")).isEqualTo("R");
    assertThat(a.has("ml")).isTrue();
    assertThat(a.get("lake")).isEqualTo("L");

    Args v = parse("vacuum", "--dry-run", "--lake", "L");
    assertThat(v.has("dry-run")).as("a switch: it takes no value").isTrue();
    assertThat(v.get("lake")).isEqualTo("L");
  }

  @Test
  void aStrayWordIsRefusedWhereTheCommandTakesNone() {
    assertThatThrownBy(() -> parse("derive", "--lake", "L", "gold"))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("Unexpected word 'gold' for scripts/tto derive");
    // generate takes the fraction of --defects as a word.
    assertThat(parse("generate", "--out", "x", "--defects", "0.05").positional()).containsExactly("0.05");
  }

  @Test
  void readingAnUndeclaredOptionIsAProgrammingError() {
    Args a = parse("report", "--run", "R");

    assertThatThrownBy(() -> a.has("as-of-run"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scripts/tto report reads option --as-of-run but does not declare it");
  }

  @Test
  void everyCommandsHelpListsExactlyTheOptionsItAccepts() {
    Pattern option = Pattern.compile("(?<![\\w-])--([a-z][a-z0-9-]*)");
    for (String command : Main.COMMANDS.keySet()) {
      Job job = Main.lookup(command);
      Set<String> listed = new TreeSet<>();
      Matcher m = option.matcher(job.usage());
      while (m.find()) {
        listed.add(m.group(1));
      }
      Set<String> own = new TreeSet<>(job.options());
      own.remove("e"); // sql's -e, written with one dash
      assertThat(listed).as("options in scripts/tto %s --help", command)
          .containsAll(own)
          .allSatisfy(o -> assertThat(JobContext.COMMON_OPTIONS.contains(o) || job.options().contains(o))
              .as("--%s is listed by scripts/tto %s --help but not accepted", o, command).isTrue());
    }
  }

  private static Args parse(String command, String... argv) {
    return Main.parse(Main.lookup(command), command, argv);
  }
}
