package uk.nhs.tto.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.quality.DirectIdentifiers;

/**
 * Surveys one extract file on an executor: its checksum first (a known file is skipped after that cheap pass),
 * then, for a new file, every file-level rule of SPEC §1 (readable UTF-8 CSV or Parquet, header with every
 * required column, no repeated column, no direct identifier by column name or by value) and the structural rule
 * of each row, counting what bronze and quarantine will receive.
 */
final class FileInspector {

  private FileInspector() {}

  static FileSurvey survey(ExtractFile file, KnownFiles known, Configuration conf) throws IOException {
    Path path = new Path(file.path());
    String sha;
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      sha = Sha256.of(in);
    }
    if (known.contains(file.relativePath(), sha)) {
      return FileSurvey.skipped(file, sha);
    }
    if (file.placementProblem() != null) {
      return FileSurvey.refused(file, sha, file.placementProblem());
    }
    try (RecordReader reader = ExtractReaders.open(file, conf)) {
      String headerProblem = headerProblem(file, reader.header());
      if (headerProblem != null) {
        return FileSurvey.refused(file, sha, headerProblem);
      }
      RowRules rules = new RowRules(file, reader.header());
      long accepted = 0;
      long quarantined = 0;
      Map<String, Long> byRule = new TreeMap<>();
      while (reader.next()) {
        String identifier = identifierValue(file, reader);
        if (identifier != null) {
          return FileSurvey.refused(file, sha, identifier);
        }
        RowRules.Violation v =
            reader.values() == null
                ? rules.unsplittable(reader.line(), reader.splitProblem())
                : rules.check(reader.values(), reader.line());
        if (v == null) {
          accepted++;
        } else {
          quarantined++;
          byRule.merge(v.rule().id(), 1L, Long::sum);
        }
      }
      requireUnchanged(file, sha, reader.sha256());
      return FileSurvey.ingested(file, sha, reader.header(), accepted, quarantined, byRule);
    } catch (FileRefusal refusal) {
      return FileSurvey.refused(file, sha, refusal.reason());
    }
  }

  /** Fails the run when a file's bytes differ between two reads: it is still being written or was replaced. */
  static void requireUnchanged(ExtractFile file, String expected, String actual) {
    if (!expected.equals(actual)) {
      throw TtoException.withExitCode(
          TtoException.INFRASTRUCTURE,
          file.relativePath() + " changed while ingest was reading it",
          "its checksum differs between two reads, so it is still being delivered or was replaced",
          "wait until the delivery is complete and run ingest again; nothing of this run has been recorded");
    }
  }

  /**
   * Why a header makes the file unusable, or null: a column named like a direct identifier, a repeated name
   * (case-insensitively, as Spark and Delta compare names), a name that clashes with a lineage column, or a
   * missing required column (names are case-sensitive).
   */
  static String headerProblem(ExtractFile file, List<String> header) {
    String f = file.relativePath();
    List<String> identifiers = new ArrayList<>();
    for (String column : header) {
      Optional<String> kind = DirectIdentifiers.columnNameKind(column);
      kind.ifPresent(k -> identifiers.add("'" + column + "' (named like " + k + ")"));
    }
    if (!identifiers.isEmpty()) {
      return f + " carries a direct identifier: column" + (identifiers.size() > 1 ? "s " : " ")
          + String.join(", ", identifiers) + "; extracts must not hold NHS numbers, names, addresses, postcodes or"
          + " dates of birth — remove the column" + (identifiers.size() > 1 ? "s" : "") + " and deliver the file"
          + " again";
    }
    Map<String, String> seen = new HashMap<>();
    for (String column : header) {
      String previous = seen.putIfAbsent(column.toLowerCase(Locale.ROOT), column);
      if (previous != null) {
        return f + " repeats column '" + column + "'" + (previous.equals(column) ? "" : " (as '" + previous + "')")
            + "; each column may appear once (names are compared ignoring case); remove or rename the repeat and"
            + " deliver the file again";
      }
      if (IngestTables.isLineageColumn(column)) {
        return f + " has a column named '" + column + "', which clashes with the lineage column ingest adds;"
            + " rename it and deliver the file again";
      }
    }
    List<String> missing = new ArrayList<>();
    for (String required : file.table().required().keySet()) {
      if (!header.contains(required)) {
        String near = seen.get(required.toLowerCase(Locale.ROOT));
        missing.add(required + (near == null ? "" : " (found '" + near + "'; names are case-sensitive)"));
      }
    }
    if (!missing.isEmpty()) {
      return f + " lacks required column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " of "
          + file.table().fileStem() + "; add " + (missing.size() > 1 ? "them" : "it")
          + " to the header (SPEC §1 lists the required columns) and deliver the file again";
    }
    return null;
  }

  /** Why the current record carries a direct identifier (naming the column, never the value), or null. */
  private static String identifierValue(ExtractFile file, RecordReader reader) {
    String[] pieces = reader.pieces();
    for (int i = 0; i < pieces.length; i++) {
      String value = pieces[i];
      String kind = value == null ? null : DirectIdentifiers.valueKind(value);
      if (kind != null) {
        String where =
            reader.values() != null
                ? "column '" + reader.header().get(i) + "' holds " + kind + " (line " + reader.line() + ")"
                : "line " + reader.line() + " holds " + kind + " in its value " + (i + 1);
        return file.relativePath() + " carries a direct identifier: " + where + "; extracts must not hold NHS"
            + " numbers or postcodes — remove or pseudonymise those values and deliver the file again";
      }
    }
    return null;
  }
}
