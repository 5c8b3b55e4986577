package uk.nhs.tto.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import uk.nhs.tto.ingest.IdsTable;

/**
 * What a generation wrote and planted: the content of {@code generator.json} and the job's printed summary.
 * Counts of courses and cohorts are as the SPEC will derive them from the extract (the generator's own view,
 * for orientation; tests check them independently from the files).
 */
public final class GenerationSummary {

  private final GeneratorOptions options;
  private final List<ServicePlan> plans;
  private final Tally tally;

  GenerationSummary(GeneratorOptions options, List<ServicePlan> plans, Tally tally) {
    this.options = options;
    this.plans = plans;
    this.tally = tally;
  }

  /** Rows written to a table over all services and months, defective rows included. */
  public long rows(IdsTable table) {
    return tally.rows[table.ordinal()];
  }

  /** IDS606 and IDS607 rows. */
  public long scoreRows() {
    return rows(IdsTable.IDS606CodedScoreAssessmentRefer) + rows(IdsTable.IDS607CodedScoreAssessmentAct);
  }

  public long files() {
    return tally.files;
  }

  public long referrals() {
    return tally.referrals;
  }

  /** Finished courses (SPEC §3) in the extract. */
  public long finishedCourses() {
    return tally.finished;
  }

  /** High-intensity finished courses of a SPEC §5 cohort ({@code pre}, {@code post}, ...) with a PHQ-9 pair. */
  public long highWithPhq9Pair(String cohort) {
    return tally.cohortHighPhq9Pair[cohortOf(cohort).ordinal()];
  }

  public long defects(DefectKind kind) {
    long n = 0;
    for (long[] perTable : tally.defects) {
      n += perTable[kind.ordinal()];
    }
    return n;
  }

  public long defects() {
    long n = 0;
    for (DefectKind k : DefectKind.values()) {
      n += defects(k);
    }
    return n;
  }

  /** The generator.json document (field order fixed, so equal options give equal bytes). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generator", "tt-outcomes synthetic IDS extract (SPEC §1)");
    // The output folder is left out: the same options give the same bytes wherever they are written.
    m.put("options", ordered(
        "scale", options.scale().label(),
        "seed", options.seed(),
        "services", options.services(),
        "months", options.months(),
        "start", options.start().toString(),
        "end", options.end().toString(),
        "format", options.format().name().toLowerCase(Locale.ROOT),
        "courses_per_service_year", options.coursesPerServiceYear(),
        "monthly_growth", options.monthlyGrowth(),
        "defect_fraction", options.defectFraction()));
    Map<String, Object> effects = new LinkedHashMap<>();
    options.effects().forEach((d, v) -> effects.put(d.label(), v));
    m.put("planted", ordered(
        "effects", effects,
        "effect_intensity", options.effectTarget().name(),
        "effect_applies_to", "courses of that intensity whose first treatment is on or after ChangeDate + "
            + "WashoutDays (the SPEC §5 post cohort is those discharged within the window)",
        "subgroup_effects", ordered("personality", ordered(
            "multiplier", options.personalityMultiplier(),
            "clients", "a presenting complaint F60.x or F61")),
        "model", ScoreModel.describe()));
    m.put("counts", counts());
    m.put("defects", defectsJson());
    List<Object> services = new ArrayList<>();
    for (ServicePlan p : plans) {
      services.add(ordered(
          "OrgID_Provider", p.code,
          "ChangeDate", p.changeDate.toString(),
          "WindowMonths", p.windowMonths,
          "WashoutDays", p.washoutDays,
          "therapists", p.therapistIds.length,
          "size", Math.round(p.sizeMultiplier * 1000) / 1000.0));
    }
    m.put("services", services);
    return m;
  }

  private Map<String, Object> counts() {
    Map<String, Object> tables = new LinkedHashMap<>();
    for (IdsTable t : IdsTable.values()) {
      long defects = 0;
      for (long n : tally.defects[t.ordinal()]) {
        defects += n;
      }
      tables.put(t.fileStem(), ordered("rows", tally.rows[t.ordinal()], "defective_rows", defects));
    }
    Map<String, Object> cohorts = new LinkedHashMap<>();
    for (Outcome.Cohort c : Outcome.Cohort.values()) {
      if (c == Outcome.Cohort.NONE) {
        continue;
      }
      cohorts.put(label(c), ordered(
          "finished", tally.cohortFinished[c.ordinal()],
          "high_intensity", tally.cohortHigh[c.ordinal()],
          "high_intensity_with_phq9_pair", tally.cohortHighPhq9Pair[c.ordinal()]));
    }
    return ordered(
        "files", tally.files,
        "tables", tables,
        "score_rows", scoreRows(),
        "referrals", tally.referrals,
        "discharged", tally.discharged,
        "finished_courses", tally.finished,
        "finished_high_intensity", tally.finishedHigh,
        "finished_with_phq9_pair", tally.finishedWithPhq9Pair,
        "mean_treatment_contacts_per_finished_course",
        tally.finished == 0 ? 0 : Math.round(100.0 * tally.treatmentContactsOfFinished / tally.finished) / 100.0,
        "referrals_with_personality_complaint", tally.personality,
        "cohorts", cohorts);
  }

  private Map<String, Object> defectsJson() {
    Map<String, Object> byKind = new LinkedHashMap<>();
    for (DefectKind k : DefectKind.values()) {
      byKind.put(k.label(), defects(k));
    }
    Map<String, Object> byTable = new LinkedHashMap<>();
    for (IdsTable t : IdsTable.values()) {
      Map<String, Object> kinds = new LinkedHashMap<>();
      for (DefectKind k : DefectKind.values()) {
        long n = tally.defects[t.ordinal()][k.ordinal()];
        if (n > 0) {
          kinds.put(k.label(), n);
        }
      }
      byTable.put(t.fileStem(), kinds);
    }
    return ordered(
        "fraction", options.defectFraction(),
        "total", defects(),
        "by_kind", byKind,
        "by_table", byTable,
        "note", "each defect is an extra row next to the clean row it was made from; all but duplicate_id rows "
            + "carry their own key and are quarantined by a SPEC §1 rule; a duplicate_id row is an exact copy");
  }

  static String label(Outcome.Cohort c) {
    return c.name().toLowerCase(Locale.ROOT);
  }

  private static Outcome.Cohort cohortOf(String label) {
    return Outcome.Cohort.valueOf(label.toUpperCase(Locale.ROOT));
  }

  /** A map that keeps the order its keys are given in ({@code key, value, key, value, ...}). */
  static Map<String, Object> ordered(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
