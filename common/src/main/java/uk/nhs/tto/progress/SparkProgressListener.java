package uk.nhs.tto.progress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Feeds Spark's scheduler events into a {@link Tally}: jobs with their planned tasks, finished tasks and their
 * rows.
 */
final class SparkProgressListener extends SparkListener {

  private final Tally tally;
  private final LongSupplier clock;
  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();

  SparkProgressListener(Tally tally, LongSupplier clock) {
    this.tally = tally;
    this.clock = clock;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    long tasks = 0;
    StageInfo result = null;
    for (StageInfo s : CollectionConverters.asJava(start.stageInfos())) {
      tasks += s.numTasks();
      jobOfStage.put(s.stageId(), start.jobId());
      if (result == null || s.stageId() > result.stageId()) {
        result = s;
      }
    }
    tally.jobStarted(start.jobId(), name(start, result), tasks, clock.getAsLong());
  }

  /** The job's description when the code gave one, else Spark's call site ("save at Lake.java:93"). */
  private static String name(SparkListenerJobStart start, StageInfo result) {
    if (start.properties() != null) {
      String description = start.properties().getProperty("spark.job.description");
      if (description != null && !description.isBlank()) {
        return description;
      }
      String callSite = start.properties().getProperty("callSite.short");
      if (callSite != null && !callSite.isBlank()) {
        return callSite;
      }
    }
    return result == null ? "job " + start.jobId() : result.name();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    long read = m == null ? 0 : m.inputMetrics().recordsRead();
    long written = m == null ? 0 : m.outputMetrics().recordsWritten();
    tally.taskEnded(jobOfStage.getOrDefault(end.stageId(), -1), read, written);
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    tally.jobEnded(end.jobId());
    jobOfStage.values().removeIf(j -> j == end.jobId());
  }
}
