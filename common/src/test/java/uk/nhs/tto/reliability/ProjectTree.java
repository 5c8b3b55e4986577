package uk.nhs.tto.reliability;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the project's own folders from a test, whichever module's directory the test runs in: the hostile-input
 * corpus (read from the source tree, so tests of the jobs module see the same files), {@code conf/}, and
 * {@code target/reliability/} where reliability tests record their outcomes.
 */
public final class ProjectTree {

  private ProjectTree() {}

  /** The project root: the nearest folder above the working directory holding {@code conf/} and {@code common/}. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("conf")) && Files.isDirectory(dir.resolve("common"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no project root (conf/ and common/) above " + Path.of("").toAbsolutePath());
  }

  /** The hostile-input corpus: {@code cases.csv}, {@code cases/<case>/…} and the clean service {@code clean/…}. */
  public static Path hostileCorpus() {
    return root().resolve("common/src/test/resources/hostile");
  }

  /** A file of {@code conf/}. */
  public static Path conf(String name) {
    return root().resolve("conf").resolve(name);
  }

  /** Where reliability tests append their outcomes and the generated report is written. */
  public static Path results() {
    return root().resolve("target/reliability");
  }
}
