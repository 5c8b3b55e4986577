package uk.nhs.tto.conform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.lake.Lake;

/**
 * The Delta version of every bronze table one derive run reads, fixed when the run starts. Derive reads each bronze
 * table several times (its silver write, its quarantine write, its row count for the reconciliation) and its
 * tables one after another, while ingest and withdraw may commit to bronze at any moment (they hold the ingest
 * lock, not the derive lock); reading every table at these versions makes the run see one state of bronze, as if
 * the other commits came after it. Each silver and gold table's commit records the versions
 * ({@code userMetadata}, shown by {@code DESCRIBE HISTORY}), so that whether gold is up to date is decided by
 * versions, not by commit times that a concurrent ingest can fall between.
 */
public final class BronzeVersions {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "derived_from";

  private final Map<String, Long> versions;

  private BronzeVersions(Map<String, Long> versions) {
    this.versions = Collections.unmodifiableMap(new TreeMap<>(versions));
  }

  /** The current version of every bronze table that exists; reads only the tables' logs. */
  public static BronzeVersions current(Lake lake) {
    Map<String, Long> v = new TreeMap<>();
    for (IdsTable t : IdsTable.values()) {
      String name = nameOf(t);
      long version = lake.version(name);
      if (version >= 0) {
        v.put(name, version);
      }
    }
    return new BronzeVersions(v);
  }

  /**
   * The versions recorded in the table's latest data commit, written by derive; empty for a table that does not
   * exist or was written by something else (or by a derive from before versions were recorded).
   */
  public static Optional<BronzeVersions> recordedIn(Lake lake, String table) {
    if (!lake.exists(table)) {
      return Optional.empty();
    }
    return lake.lastDataCommitMetadata(table).flatMap(BronzeVersions::parse);
  }

  static Optional<BronzeVersions> parse(String metadata) {
    try {
      Map<String, Map<String, Long>> m = JSON.readValue(metadata, new TypeReference<>() {});
      Map<String, Long> v = m == null ? null : m.get(KEY);
      return v == null ? Optional.empty() : Optional.of(new BronzeVersions(v));
    } catch (JsonProcessingException | ClassCastException e) {
      return Optional.empty();
    }
  }

  public static String nameOf(IdsTable table) {
    return "bronze." + table.tableName();
  }

  /** Bronze table name ({@code bronze.ids101referral}) to version, sorted by name. */
  public Map<String, Long> versions() {
    return versions;
  }

  /** The version to read of the table, or empty when it did not exist as the run started. */
  public Optional<Long> of(IdsTable table) {
    return Optional.ofNullable(versions.get(nameOf(table)));
  }

  public boolean isEmpty() {
    return versions.isEmpty();
  }

  /**
   * Whether bronze still holds what it held at these versions: the same tables exist and none has changed its rows
   * since (a commit that only sets retention properties or records a clean-up is not a change).
   */
  public boolean stillCurrent(Lake lake) {
    if (!current(lake).versions.keySet().equals(versions.keySet())) {
      return false;
    }
    return versions.entrySet().stream().allMatch(e -> lake.unchangedSince(e.getKey(), e.getValue()));
  }

  /** The commit metadata derive records: {@code {"derived_from":{"bronze.ids101referral":3,…}}}. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(KEY, versions);
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One line for progress output: {@code ids101referral@3, ids201carecontact@5, …}. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    versions.forEach((name, v) -> b.append(b.length() == 0 ? "" : ", ")
        .append(name.substring("bronze.".length())).append('@').append(v));
    return b.length() == 0 ? "no bronze table" : b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BronzeVersions other && versions.equals(other.versions);
  }

  @Override
  public int hashCode() {
    return versions.hashCode();
  }

  @Override
  public String toString() {
    return describe();
  }
}
