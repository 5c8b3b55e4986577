package uk.nhs.tto.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;

/**
 * Makes a batch's several Delta commits (bronze and quarantine per table, then {@code meta.ingested_files} last)
 * behave as one: a run killed half-way leaves a marker at {@code <lake>/_ingest/pending/<batch>.json}, and the next
 * run either resumes that batch or, when the files to ingest have changed meanwhile, first removes what the
 * killed run appended.
 *
 * <p>Resuming relies on Delta's idempotent writes: every append of an attempt carries {@code txnAppId} (derived
 * from the batch id) and {@code txnVersion} (the attempt's start time in microseconds, kept in the marker), so
 * re-running the same batch skips the commits that already happened. A fresh attempt after a roll-back gets a
 * later version, so nothing it must write is skipped.
 */
final class IngestLedger {

  /**
   * One attempt at committing a batch; its start time is also every row's {@code _ingested_at}. A resumed attempt
   * continues one that was killed, with the same start time.
   */
  record Attempt(String batchId, Instant startedAt, boolean resumed) {

    Timestamp ingestedAt() {
      return Timestamp.from(startedAt);
    }

    /** Delta idempotent-write options for this attempt's append to any table. */
    Map<String, String> txnOptions() {
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, startedAt);
      return Map.of("txnAppId", "tto-ingest-" + batchId, "txnVersion", Long.toString(micros));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PENDING = "_ingest/pending";

  private final Lake lake;
  private final Path folder;
  private final FileSystem fs;

  IngestLedger(Lake lake, Configuration conf) {
    this.lake = lake;
    this.folder = new Path(lake.root(), PENDING);
    try {
      this.fs = folder.getFileSystem(conf);
    } catch (IOException e) {
      throw infrastructure("Cannot open the lakehouse " + lake.root(), e);
    }
  }

  /**
   * Settles the markers of killed runs: one of a batch that {@code meta.ingested_files} records is removed; one of
   * another batch is rolled back (its bronze and quarantine rows deleted) and removed; one of {@code batchId} is
   * the attempt to resume, returned.
   */
  Optional<Attempt> settle(String batchId, Set<String> committedBatchIds, Consumer<String> progress) {
    Optional<Attempt> resume = Optional.empty();
    try {
      if (!fs.exists(folder)) {
        return resume;
      }
      for (FileStatus marker : fs.listStatus(folder)) {
        Attempt killed = read(marker.getPath());
        if (killed == null) {
          // Killed while writing its marker, which comes before any append: nothing to undo.
          fs.delete(marker.getPath(), false);
        } else if (killed.batchId().equals(batchId)) {
          progress.accept("resuming batch " + batchId + " of a run that was stopped before it finished");
          resume = Optional.of(killed);
        } else {
          if (!committedBatchIds.contains(killed.batchId())) {
            progress.accept("rolling back batch " + killed.batchId() + " of a run that was stopped before it"
                + " finished (its files have changed since, so they are ingested afresh)");
            rollBack(killed);
          }
          fs.delete(marker.getPath(), false);
        }
      }
      return resume;
    } catch (IOException e) {
      throw infrastructure("Cannot read the pending-ingest markers in " + folder, e);
    }
  }

  /** Records that an attempt is about to append, before its first commit. */
  void begin(Attempt attempt) {
    Path marker = marker(attempt.batchId());
    try (OutputStream out = fs.create(marker, true)) {
      JSON.writeValue(out, Map.of("batch_id", attempt.batchId(), "started_at", attempt.startedAt().toString()));
    } catch (IOException e) {
      throw infrastructure("Cannot write the pending-ingest marker " + marker, e);
    }
  }

  /** Records that an attempt committed everything, after {@code meta.ingested_files}. */
  void finish(Attempt attempt) {
    Path marker = marker(attempt.batchId());
    try {
      fs.delete(marker, false);
    } catch (IOException e) {
      throw infrastructure("Cannot remove the pending-ingest marker " + marker, e);
    }
  }

  private void rollBack(Attempt killed) {
    for (IdsTable table : IdsTable.values()) {
      String bronze = IngestTables.bronze(table);
      if (lake.exists(bronze)) {
        lake.delta(bronze).delete(col(IngestTables.BATCH_ID).equalTo(lit(killed.batchId())));
      }
      String quarantine = IngestTables.quarantine(table);
      if (lake.exists(quarantine)) {
        lake.delta(quarantine)
            .delete(
                col("stage")
                    .equalTo(lit(IngestTables.STAGE))
                    .and(col(IngestTables.INGESTED_AT).equalTo(lit(killed.ingestedAt()))));
      }
    }
  }

  /** The attempt a marker records, or null when the marker is incomplete. */
  private Attempt read(Path marker) throws IOException {
    try (InputStream in = fs.open(marker)) {
      Map<?, ?> fields = JSON.readValue(in, Map.class);
      if (fields != null
          && fields.get("batch_id") instanceof String batch
          && fields.get("started_at") instanceof String started) {
        return new Attempt(batch, Instant.parse(started), true);
      }
      return null;
    } catch (JsonProcessingException | DateTimeParseException e) {
      return null;
    }
  }

  private Path marker(String batchId) {
    return new Path(folder, batchId + ".json");
  }

  private static TtoException infrastructure(String what, IOException e) {
    return TtoException.withExitCode(
        TtoException.INFRASTRUCTURE, what, e.toString(), "check the lakehouse storage and run ingest again");
  }
}
