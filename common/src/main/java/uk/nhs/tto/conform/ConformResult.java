package uk.nhs.tto.conform;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.tto.ingest.IdsTable;

/**
 * What conforming bronze to silver did: per IDS table, how its bronze rows were accounted for, and warnings
 * (e.g. a bronze table that does not exist yet).
 */
public record ConformResult(Map<IdsTable, Reconciliation> reconciliations, List<String> warnings) {

  public ConformResult {
    EnumMap<IdsTable, Reconciliation> ordered = new EnumMap<>(IdsTable.class);
    ordered.putAll(reconciliations);
    reconciliations = Collections.unmodifiableMap(ordered);
    warnings = List.copyOf(warnings);
  }

  /** Rows written to each silver table: the accepted rows of the IDS table(s) feeding it. */
  public Map<String, Long> silverRows() {
    Map<String, Long> rows = new LinkedHashMap<>();
    reconciliations.forEach((table, r) -> rows.merge(SilverTables.of(table), r.accepted(), Long::sum));
    return rows;
  }

  /** True when every table's bronze rows are all accounted for. */
  public boolean balanced() {
    return reconciliations.values().stream().allMatch(Reconciliation::balanced);
  }
}
