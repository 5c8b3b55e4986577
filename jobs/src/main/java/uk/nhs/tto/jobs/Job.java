package uk.nhs.tto.jobs;

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
}
