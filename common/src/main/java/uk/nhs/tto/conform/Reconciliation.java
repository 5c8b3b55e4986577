package uk.nhs.tto.conform;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What became of every row of one bronze table at derive: nothing is silently dropped, so
 * {@code bronzeRows = accepted + superseded + quarantined} must hold ({@link #balanced()}).
 *
 * @param table the IDS table name ({@code ids101referral})
 * @param bronzeRows rows in bronze, counted independently of the classification
 * @param accepted winning rows that passed every row rule (the silver rows)
 * @param superseded rows another submission of the same key replaced (SPEC §1)
 * @param quarantinedByRule winning rows quarantined, per rule id (rules with no rows left out)
 */
public record Reconciliation(
    String table, long bronzeRows, long accepted, long superseded, Map<String, Long> quarantinedByRule) {

  public Reconciliation {
    quarantinedByRule = Map.copyOf(quarantinedByRule);
  }

  public long quarantined() {
    return quarantinedByRule.values().stream().mapToLong(Long::longValue).sum();
  }

  /** True when every bronze row is accounted for exactly once. */
  public boolean balanced() {
    return bronzeRows == accepted + superseded + quarantined();
  }

  /** Quarantine counts in rule order (the order rows are checked in). */
  public Map<String, Long> quarantinedInRuleOrder() {
    Map<String, Long> ordered = new LinkedHashMap<>();
    for (String rule : Quarantine.RULES) {
      Long n = quarantinedByRule.get(rule);
      if (n != null) {
        ordered.put(rule, n);
      }
    }
    return ordered;
  }

  /** The JSON form: bronze, accepted, superseded, quarantined, balanced. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bronze", bronzeRows);
    m.put("accepted", accepted);
    m.put("superseded", superseded);
    m.put("quarantined", quarantined());
    m.put("balanced", balanced());
    return m;
  }
}
