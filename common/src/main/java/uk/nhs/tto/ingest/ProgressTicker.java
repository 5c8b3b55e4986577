package uk.nhs.tto.ingest;

import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkStatusTracker;

/**
 * Reports, every few seconds while a Spark job of the current stage runs, how many of its tasks are done: a
 * national ingest spends minutes in single jobs, and silence would look like a hang.
 */
final class ProgressTicker implements AutoCloseable {

  private final ScheduledExecutorService timer;
  private final Set<String> stages = new ConcurrentSkipListSet<>();

  ProgressTicker(JavaSparkStatusTracker tracker, Consumer<String> say, long everySeconds) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ingest-progress");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(() -> tick(tracker, say), everySeconds, everySeconds, TimeUnit.SECONDS);
  }

  /** Names what a starting job does, e.g. "writing bronze.ids607codedscoreassessmentact". */
  void begin(String stage) {
    stages.add(stage);
  }

  void done(String stage) {
    stages.remove(stage);
  }

  private void tick(JavaSparkStatusTracker tracker, Consumer<String> say) {
    int done = 0;
    int total = 0;
    for (int job : tracker.getActiveJobIds()) {
      SparkJobInfo info = tracker.getJobInfo(job);
      if (info == null) {
        continue;
      }
      for (int stageId : info.stageIds()) {
        SparkStageInfo s = tracker.getStageInfo(stageId);
        if (s != null) {
          done += s.numCompletedTasks();
          total += s.numTasks();
        }
      }
    }
    if (total > 0 && !stages.isEmpty()) {
      say.accept(String.join(", ", stages) + ": " + done + " of " + total + " tasks done");
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
