package uk.nhs.tto.derive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.tto.conform.BronzeVersions;
import uk.nhs.tto.conform.Reconciliation;
import uk.nhs.tto.disclosure.Disclosure;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.metrics.NationalMetrics;

/**
 * What a derive run wrote: rows per table, how every bronze row was accounted for, the national key metrics and
 * warnings; {@link #toMap()} is the SPEC §7 {@code derive} summary. Printed and in the summary, the key metrics
 * (counts of courses) are national totals under SPEC §6: exact, but {@code *} (JSON null) under the threshold;
 * row counts are counts of records and stay exact, so that the reconciliation can be checked.
 */
public final class DeriveResult {

  private final BronzeVersions bronze;
  private final Map<String, Long> tableRows;
  private final Map<IdsTable, Reconciliation> reconciliations;
  private final NationalMetrics keyMetrics;
  private final int cohortServices;
  private final List<String> warnings;
  private final Disclosure disclosure;

  public DeriveResult(
      BronzeVersions bronze,
      Map<String, Long> tableRows,
      Map<IdsTable, Reconciliation> reconciliations,
      NationalMetrics keyMetrics,
      int cohortServices,
      List<String> warnings,
      Disclosure disclosure) {
    this.bronze = bronze;
    this.tableRows = Collections.unmodifiableMap(new LinkedHashMap<>(tableRows));
    EnumMap<IdsTable, Reconciliation> ordered = new EnumMap<>(IdsTable.class);
    ordered.putAll(reconciliations);
    this.reconciliations = Collections.unmodifiableMap(ordered);
    this.keyMetrics = keyMetrics;
    this.cohortServices = cohortServices;
    this.warnings = List.copyOf(warnings);
    this.disclosure = disclosure;
  }

  /** The version of each bronze table the run read. */
  public BronzeVersions bronze() {
    return bronze;
  }

  /** Rows of each table derive wrote, by lake name ({@code gold.courses}). */
  public Map<String, Long> tableRows() {
    return tableRows;
  }

  /** Per IDS table: bronze rows = accepted + superseded + quarantined (derive). */
  public Map<IdsTable, Reconciliation> reconciliations() {
    return reconciliations;
  }

  /** Derive-stage quarantine counts: IDS table name ({@code ids101referral}) → rule → rows. */
  public Map<String, Map<String, Long>> quarantine() {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    reconciliations.forEach((t, r) -> out.put(t.tableName(), r.quarantinedInRuleOrder()));
    return out;
  }

  public NationalMetrics keyMetrics() {
    return keyMetrics;
  }

  /** How many services the cohort file defines (0 when there is none). */
  public int cohortServices() {
    return cohortServices;
  }

  public List<String> warnings() {
    return warnings;
  }

  /** True when every bronze row of every table is accounted for exactly once. */
  public boolean balanced() {
    return reconciliations.values().stream().allMatch(Reconciliation::balanced);
  }

  /**
   * The SPEC §7 derive summary: {@code tables} {name: {rows}}, {@code quarantine} {table: {rule: rows}},
   * {@code key_metrics} (national: exact, null under the SPEC §6 threshold), plus {@code reconciliation},
   * {@code cohort_services}, {@code warnings} and {@code bronze_versions} (each bronze table's version read).
   */
  public Map<String, Object> toMap() {
    Map<String, Object> tables = new LinkedHashMap<>();
    tableRows.forEach((name, n) -> tables.put(name, Map.of("rows", n)));
    Map<String, Object> reconciliation = new LinkedHashMap<>();
    reconciliations.forEach((t, r) -> reconciliation.put(t.tableName(), r.toMap()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tables", tables);
    m.put("quarantine", quarantine());
    Map<String, Object> metrics = new LinkedHashMap<>();
    keyMetrics.toMap().forEach((name, n) -> metrics.put(name, disclosure.isSuppressed((Long) n) ? null : n));
    m.put("key_metrics", metrics);
    m.put("reconciliation", reconciliation);
    m.put("balanced", balanced());
    m.put("cohort_services", cohortServices);
    m.put("warnings", warnings);
    m.put("bronze_versions", bronze.versions());
    return m;
  }

  public String toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("derive summary is plain maps and numbers and must serialise", e);
    }
  }

  /** A human summary for the console: tables, reconciliation, quarantine and national key metrics. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("tables written:\n");
    tableRows.forEach((name, n) -> sb.append(String.format("  %-22s %,12d rows%n", name, n)));
    sb.append("reconciliation (bronze = accepted + superseded + quarantined):\n");
    reconciliations.forEach(
        (t, r) ->
            sb.append(
                String.format(
                    "  %-32s %,10d = %,10d + %,10d + %,8d  %s%n",
                    t.tableName(), r.bronzeRows(), r.accepted(), r.superseded(), r.quarantined(),
                    r.balanced() ? "ok" : "DOES NOT BALANCE")));
    quarantine()
        .forEach((table, rules) -> rules.forEach((rule, n) ->
            sb.append(String.format("  quarantined %-32s %-30s %,d%n", table, rule, n))));
    NationalMetrics k = keyMetrics;
    sb.append(
        String.format(
            "national key metrics: finished %s, at caseness %s, recovered %s, reliably improved %s,"
                + " reliably deteriorated %s, reliably recovered %s%n",
            national(k.finished()), national(k.atCaseness()), national(k.recovered()), national(k.reliablyImproved()),
            national(k.reliablyDeteriorated()), national(k.reliablyRecovered())));
    return sb.toString();
  }

  /** A national count as printed: exact with thousands separators, or {@code *} under the threshold. */
  private String national(long n) {
    return disclosure.isSuppressed(n) ? Disclosure.SUPPRESSED : String.format("%,d", n);
  }
}
