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

  /** What a job does with the lakehouse at {@code --lake}. */
  enum LakeUse {
    /**
     * Reads and writes no table (lmm, generate, bare-copy): its session keeps no table catalogue, so nothing is
     * created at {@code --lake}.
     */
    NONE,
    /**
     * Works on a lakehouse that is already there: a {@code --lake} on local disk that does not exist is refused
     * before Spark starts, and nothing is created there (a mistyped path must not become an empty lakehouse).
     */
    EXISTING,
    /** May start a lakehouse where there is none (ingest, nightly, run-local). */
    CREATES
  }

  /** What the job does with the lakehouse; most jobs need one that exists. */
  default LakeUse lakeUse() {
    return LakeUse.EXISTING;
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
