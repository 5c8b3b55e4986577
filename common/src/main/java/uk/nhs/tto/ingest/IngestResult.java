package uk.nhs.tto.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one ingest run did: files read (new this run: ingested or refused), skipped (already ingested) and refused
 * with their reasons, and per table how the rows read divide between bronze and quarantine
 * ({@code read = accepted + quarantined}).
 */
public final class IngestResult {

  /** A refused file and why (the reason names the file, the problem and the fix). */
  public record Refusal(String file, String reason) {}

  /** Rows of one table's new files: {@code read = accepted + quarantined}. */
  public record TableCounts(long read, long accepted, long quarantined) {

    TableCounts plus(FileSurvey s) {
      return new TableCounts(read + s.rowsRead(), accepted + s.rowsAccepted(), quarantined + s.rowsQuarantined());
    }
  }

  private final int filesRead;
  private final int filesSkipped;
  private final int filesIngested;
  private final List<Refusal> refused;
  private final Map<IdsTable, TableCounts> tables;
  private final Map<IdsTable, Map<String, Long>> quarantineRules;
  private final String batchId;

  private IngestResult(List<FileSurvey> surveys, String batchId) {
    int read = 0;
    int skipped = 0;
    int ingested = 0;
    List<Refusal> refusals = new ArrayList<>();
    Map<IdsTable, TableCounts> counts = new EnumMap<>(IdsTable.class);
    Map<IdsTable, Map<String, Long>> rules = new EnumMap<>(IdsTable.class);
    for (IdsTable t : IdsTable.values()) {
      counts.put(t, new TableCounts(0, 0, 0));
      rules.put(t, new TreeMap<>());
    }
    for (FileSurvey s : surveys) {
      switch (s.status()) {
        case SKIPPED -> skipped++;
        case REFUSED -> {
          read++;
          refusals.add(new Refusal(s.file().relativePath(), s.reason()));
        }
        case INGESTED -> {
          read++;
          ingested++;
          IdsTable t = s.file().table();
          counts.put(t, counts.get(t).plus(s));
          s.rules().forEach((rule, n) -> rules.get(t).merge(rule, n, Long::sum));
        }
      }
    }
    this.filesRead = read;
    this.filesSkipped = skipped;
    this.filesIngested = ingested;
    this.refused = Collections.unmodifiableList(refusals);
    this.tables = Collections.unmodifiableMap(counts);
    this.quarantineRules = Collections.unmodifiableMap(rules);
    this.batchId = batchId;
  }

  static IngestResult of(List<FileSurvey> surveys, String batchId) {
    return new IngestResult(surveys, batchId);
  }

  /** New files looked at in this run: ingested plus refused. */
  public int filesRead() {
    return filesRead;
  }

  /** Files already in {@code meta.ingested_files}, not read again. */
  public int filesSkipped() {
    return filesSkipped;
  }

  public int filesIngested() {
    return filesIngested;
  }

  public List<Refusal> refused() {
    return refused;
  }

  /** Row counts of every IDS table (zeros for a table without new files). */
  public Map<IdsTable, TableCounts> tables() {
    return tables;
  }

  /** Quarantined rows per table and structural rule id. */
  public Map<IdsTable, Map<String, Long>> quarantineRules() {
    return quarantineRules;
  }

  /** The batch this run committed; empty when there was nothing new. */
  public Optional<String> batchId() {
    return Optional.ofNullable(batchId);
  }

  /**
   * SPEC §7 {@code ingest}: {@code {"files": {"read", "skipped", "refused": [{"file", "reason"}]}, "tables":
   * {name: {"read", "accepted", "quarantined"}}}}, plus {@code files.ingested}, {@code quarantine}
   * ({@code {table: {rule: rows}}}) and {@code batch_id}. Tables are named as their files are
   * ({@code IDS101Referral}).
   */
  public Map<String, Object> toJson() {
    Map<String, Object> files = new LinkedHashMap<>();
    files.put("read", filesRead);
    files.put("skipped", filesSkipped);
    files.put("ingested", filesIngested);
    List<Map<String, Object>> refusals = new ArrayList<>();
    refused.forEach(r -> refusals.add(ordered("file", r.file(), "reason", r.reason())));
    files.put("refused", refusals);
    Map<String, Object> tableCounts = new LinkedHashMap<>();
    Map<String, Object> rules = new LinkedHashMap<>();
    tables.forEach(
        (t, c) -> {
          tableCounts.put(t.fileStem(), ordered("read", c.read(), "accepted", c.accepted(), "quarantined",
              c.quarantined()));
          rules.put(t.fileStem(), quarantineRules.get(t));
        });
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("files", files);
    json.put("tables", tableCounts);
    json.put("quarantine", rules);
    json.put("batch_id", batchId);
    return json;
  }

  /** The printed summary: files, then one reconciliation line per table, then refusals. */
  public List<String> summaryLines() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("files: read %,d (ingested %,d, refused %,d), skipped %,d (already ingested)",
        filesRead, filesIngested, refused.size(), filesSkipped));
    tables.forEach(
        (t, c) -> lines.add(String.format("  %-32s rows read %,12d = accepted %,12d + quarantined %,10d",
            t.fileStem(), c.read(), c.accepted(), c.quarantined())));
    if (!refused.isEmpty()) {
      lines.add("refused files:");
      refused.forEach(r -> lines.add("  " + r.reason()));
    }
    return lines;
  }

  private static Map<String, Object> ordered(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }
}
