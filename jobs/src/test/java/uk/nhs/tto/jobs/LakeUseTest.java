package uk.nhs.tto.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Metastore;

/**
 * A command that works on an existing lakehouse refuses a local {@code --lake} that does not exist before anything
 * starts, and leaves nothing there: a mistyped path must neither become an empty lakehouse nor send the analyst
 * looking for a missing gold table.
 */
class LakeUseTest {

  @Test
  void everyCommandThatNeedsALakehouseRefusesAMistypedLakeAndCreatesNothing(@TempDir Path tmp) {
    List<String> commands =
        Main.COMMANDS.keySet().stream()
            .filter(c -> Main.lookup(c).lakeUse() == Job.LakeUse.EXISTING)
            .collect(Collectors.toList());
    // Every command but those that start a lakehouse (ingest, nightly, run-local) or use none (generate, lmm,
    // bare-copy).
    assertThat(commands)
        .containsExactlyInAnyOrder(
            "derive", "analyse", "report", "subgroups", "sql", "vacuum", "withdraw", "status", "digest");

    Path typo = tmp.resolve("lakehuose");
    for (String command : commands) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream saved = System.err;
      int code;
      try {
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        code = Main.run(new String[] {command, "--lake", typo.toString()});
      } finally {
        System.setErr(saved);
      }

      String said = err.toString(StandardCharsets.UTF_8);
      assertThat(code).as(command + ": " + said).isEqualTo(TtoException.USAGE);
      assertThat(said)
          .as(command)
          .contains("tto " + command + ": No lakehouse at " + typo + ": the folder does not exist")
          .contains("check --lake")
          .contains("scripts/tto ingest --extracts DIR --lake " + typo)
          // Refused before a Spark session started.
          .doesNotContain("Spark jobs");
      assertThat(typo).as(command).doesNotExist();
    }
  }

  @Test
  void aMistypedLakeOnAnotherFileSystemIsRefusedBeforeItsMetastoreFolderIsMade(@TempDir Path tmp) throws Exception {
    Path conf = tmp.resolve("testfs.conf");
    Files.writeString(conf, "tto.spark.spark.hadoop.fs.testfs.impl = " + OtherSchemeFileSystem.class.getName() + "\n");
    String typo = "testfs://" + tmp.resolve("lakehuose-" + System.nanoTime());
    Path metastoreFolder = Metastore.of(Settings.defaults().with(Keys.LAKE, typo)).derbyHome();

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(new String[] {"analyse", "--lake", typo, "--conf", conf.toString()});
    } finally {
      System.setErr(saved);
    }

    String said = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(said).isEqualTo(TtoException.USAGE);
    assertThat(said).contains("tto analyse: No lakehouse at " + typo + ": the folder does not exist")
        .doesNotContain("Spark jobs");
    assertThat(metastoreFolder).as("under ~/.tto/metastore").doesNotExist();
  }
}
