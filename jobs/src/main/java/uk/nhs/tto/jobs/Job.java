package uk.nhs.tto.jobs;

import java.util.Set;

/** One command of {@code scripts/tto}: parses its options from the context, calls the library, returns an exit code. */
public interface Job {

  /** Runs the job; returns the process exit code (0 success). */
  int run(JobContext ctx) throws Exception;

  /** One line for {@code scripts/tto help}. */
  String summary();

  /** The job's own options, for {@code scripts/tto <command> --help}. */
  default String usage() {
    return "";
  }

  /**
   * The option names the job reads besides {@link JobContext#COMMON_OPTIONS}' (without the leading {@code --});
   * any other option given is refused before the job runs, and the job may read no other.
   */
  default Set<String> options() {
    return Set.of();
  }

  /**
   * Whether a successful run registers the lake's tables in the metastore; false for a job that must change
   * nothing (status).
   */
  default boolean registersTables() {
    return true;
  }

  /** Whether the job takes positional words (it then checks them itself); otherwise a stray word is refused. */
  default boolean takesWords() {
    return false;
  }
}
