package uk.nhs.tto.analysis;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Catalogue;
import uk.nhs.tto.lake.Lake;

/**
 * The exact Delta version of every table an analysis reads, resolved once from an {@link AsOf} so that what is
 * read and what {@code results.runs} records can never disagree.
 *
 * <p>Inputs are {@code gold.courses}, {@code gold.score_pairs} (the model's data) and every {@code quarantine.*}
 * table (the report's data-quality summary). With {@link AsOf#version(long)} the gold tables are read at that
 * version; this is only meaningful because derive rewrites each gold table exactly once per run, so version N of
 * both comes from the same derive run. That is checked from the tables' histories: both must have the same
 * latest version and their N-th commits must not interleave with the neighbouring ones. The quarantine tables are
 * then read as they were when version N of the gold tables was complete (derive writes its quarantine rows
 * before the gold tables).
 */
public final class PinnedInputs {

  /** One row per course of treatment (lake contract). */
  public static final String COURSES = "gold.courses";

  /** One row per course × measure with a pair of scores (lake contract). */
  public static final String SCORE_PAIRS = "gold.score_pairs";

  private static final Pattern COMMIT_FILE = Pattern.compile("\\d{20}\\.json");

  private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss][.SSS]");

  private final Lake lake;
  private final AsOf asOf;
  private final Map<String, Long> versions;

  private PinnedInputs(Lake lake, AsOf asOf, Map<String, Long> versions) {
    this.lake = lake;
    this.asOf = asOf;
    this.versions = Collections.unmodifiableMap(new TreeMap<>(versions));
  }

  /** Resolves the versions of every input table; reads only table histories, never data. */
  public static PinnedInputs resolve(Lake lake, AsOf asOf) {
    Map<String, Long> v = new TreeMap<>();
    switch (asOf.kind()) {
      case LATEST:
        for (String t : inputTables(lake)) {
          v.put(t, latestVersion(lake, t));
        }
        break;
      case VERSION:
        Instant complete = checkSameDeriveRun(lake, asOf.version());
        v.put(COURSES, asOf.version());
        v.put(SCORE_PAIRS, asOf.version());
        for (String t : quarantineTables(lake)) {
          versionAt(history(lake, t), complete).ifPresent(n -> v.put(t, n));
        }
        break;
      case TIMESTAMP:
        Instant at = parseTimestamp(asOf.text());
        for (String t : inputTables(lake)) {
          NavigableMap<Long, Instant> h = history(lake, t);
          Optional<Long> n = versionAt(h, at);
          if (n.isPresent()) {
            v.put(t, n.get());
          } else if (!t.startsWith("quarantine.")) {
            throw TtoException.of(
                "Table " + t + " has no version at or before " + asOf.text(),
                "its first version was committed at " + h.firstEntry().getValue(),
                "give a later --as-of-timestamp (UTC), or see DESCRIBE HISTORY for the table's versions");
          }
        }
        break;
      case RUN:
        v.putAll(RunsTable.inputVersions(lake, asOf.text()));
        break;
      default:
        throw new IllegalStateException(asOf.toString());
    }
    if (asOf.kind() != AsOf.Kind.LATEST) {
      v.forEach(lake::requireNotPurged);
    }
    return new PinnedInputs(lake, asOf, v);
  }

  /** How the inputs were chosen. */
  public AsOf asOf() {
    return asOf;
  }

  /** Table ({@code layer.table}) to the Delta version read, sorted by name. */
  public Map<String, Long> versions() {
    return versions;
  }

  /** The quarantine tables among the inputs. */
  public List<String> quarantineTables() {
    List<String> out = new ArrayList<>();
    for (String t : versions.keySet()) {
      if (t.startsWith("quarantine.")) {
        out.add(t);
      }
    }
    return out;
  }

  /** A table at its pinned version. */
  public Dataset<Row> read(String table) {
    Long n = versions.get(table);
    if (n == null) {
      throw TtoException.of(
          "Table " + table + " is not among this analysis's inputs",
          "only " + versions.keySet() + " were pinned (" + asOf.describe() + ")",
          "run derive to create it, or choose other versions");
    }
    return lake.readAsOfVersion(table, n);
  }

  private static List<String> inputTables(Lake lake) {
    List<String> out = new ArrayList<>(List.of(COURSES, SCORE_PAIRS));
    for (String t : List.of(COURSES, SCORE_PAIRS)) {
      if (latestVersion(lake, t) < 0) {
        throw TtoException.of(
            "Table " + t + " does not exist at " + lake.path(t),
            "analyse reads the gold tables that derive writes",
            "run scripts/tto derive first, or check --lake");
      }
    }
    out.addAll(quarantineTables(lake));
    return out;
  }

  private static List<String> quarantineTables(Lake lake) {
    List<String> out = new ArrayList<>();
    for (String name : Catalogue.tablesIn(lake, "quarantine")) {
      out.add("quarantine." + name);
    }
    return out;
  }

  /**
   * Checks that version {@code n} of both gold tables was written by one derive run and returns the time the
   * later of the two commits was made.
   */
  private static Instant checkSameDeriveRun(Lake lake, long n) {
    inputTables(lake);
    NavigableMap<Long, Instant> courses = history(lake, COURSES);
    NavigableMap<Long, Instant> pairs = history(lake, SCORE_PAIRS);
    long latestCourses = courses.lastKey();
    long latestPairs = pairs.lastKey();
    String fix = "use --as-of-timestamp or --as-of-run instead, which pin each table separately";
    if (latestCourses != latestPairs) {
      throw TtoException.of(
          "--as-of-version " + n + " is ambiguous: " + COURSES + " is at version " + latestCourses + " but "
              + SCORE_PAIRS + " at " + latestPairs,
          "one version number names one derive run only while derive has written both tables equally often", fix);
    }
    if (!courses.containsKey(n) || !pairs.containsKey(n)) {
      throw TtoException.of(
          "--as-of-version " + n + " does not exist",
          "the gold tables have versions " + courses.firstKey() + " to " + latestCourses
              + " (older ones may have been removed by log clean-up)",
          "give a version in that range");
    }
    Instant end = max(courses.get(n), pairs.get(n));
    Instant start = min(courses.get(n), pairs.get(n));
    boolean afterPrevious =
        !courses.containsKey(n - 1) || !pairs.containsKey(n - 1) || max(courses.get(n - 1), pairs.get(n - 1))
            .compareTo(start) <= 0;
    boolean beforeNext =
        !courses.containsKey(n + 1) || !pairs.containsKey(n + 1) || end.compareTo(
            min(courses.get(n + 1), pairs.get(n + 1))) <= 0;
    if (!afterPrevious || !beforeNext) {
      throw TtoException.of(
          "--as-of-version " + n + " is ambiguous: the version-" + n + " commits of " + COURSES + " ("
              + courses.get(n) + ") and " + SCORE_PAIRS + " (" + pairs.get(n) + ") interleave with other versions",
          "they were not written by the same derive run", fix);
    }
    return end;
  }

  /**
   * The latest committed version of a table, or -1 when it has none, from the names of its Delta log's commit files
   * ({@code _delta_log/<20-digit version>.json}; log clean-up never removes the newest). One directory listing and
   * no Spark job: pinning the latest versions must cost next to nothing beside the analysis.
   */
  static long latestVersion(Lake lake, String table) {
    Path log = new Path(lake.path(table), "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(log)) {
        return -1;
      }
      long latest = -1;
      for (FileStatus f : fs.listStatus(log)) {
        String name = f.getPath().getName();
        if (COMMIT_FILE.matcher(name).matches()) {
          latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
        }
      }
      return latest;
    } catch (IOException e) {
      throw TtoException.withExitCode(
          TtoException.INFRASTRUCTURE,
          "Cannot list the Delta log of " + table + " at " + log,
          e.toString(),
          "check that the lakehouse is reachable and readable");
    }
  }

  /** Version number to commit time, from the table's Delta log (metadata only). */
  static NavigableMap<Long, Instant> history(Lake lake, String table) {
    NavigableMap<Long, Instant> out = new TreeMap<>();
    for (Row r : lake.delta(table).history().select("version", "timestamp").collectAsList()) {
      out.put(r.getLong(0), ((Timestamp) r.get(1)).toInstant());
    }
    return out;
  }

  private static Optional<Long> versionAt(NavigableMap<Long, Instant> history, Instant at) {
    Long best = null;
    for (Map.Entry<Long, Instant> e : history.entrySet()) {
      if (!e.getValue().isAfter(at)) {
        best = e.getKey();
      }
    }
    return Optional.ofNullable(best);
  }

  /** Parses a user's timestamp as UTC: a date (its midnight), {@code yyyy-MM-dd HH:mm[:ss]} or ISO-8601. */
  static Instant parseTimestamp(String text) {
    String t = text.trim();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return java.time.OffsetDateTime.parse(t).toInstant();
      }
      if (t.contains("T")) {
        return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
      }
      return LocalDateTime.parse(t, SPACED).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw TtoException.of(
          "--as-of-timestamp '" + text + "' is not a timestamp",
          "it must be yyyy-MM-dd, yyyy-MM-dd HH:mm:ss or ISO-8601 (UTC unless an offset is given)",
          "write e.g. 2024-05-01 12:00:00");
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
