package uk.nhs.tto.cohorts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the cohort file asked for that the data cannot give: a service it names with no finished course at all
 * (most often a mistyped {@code OrgID_Provider}), or with finished courses but none in its pre or its post cohort
 * (a change date or window that misses the months delivered). Either way the service silently drops out of the
 * comparison, so derive says so.
 */
public final class CohortFileCheck {

  /** Services listed by name in one warning before "and N more". */
  static final int LISTED = 10;

  private CohortFileCheck() {}

  /**
   * Warnings, at most three lines.
   *
   * @param finished finished courses by service and cohort label ({@code pre}, {@code post}, …), as in gold.courses
   */
  public static List<String> warnings(List<CohortDefinition> cohorts, Map<String, Map<String, Long>> finished) {
    List<String> absent = new ArrayList<>();
    List<String> noPre = new ArrayList<>();
    List<String> noPost = new ArrayList<>();
    for (CohortDefinition c : cohorts) {
      Map<String, Long> byCohort = finished.get(c.serviceId());
      if (byCohort == null || byCohort.isEmpty()) {
        absent.add(c.serviceId());
        continue;
      }
      if (byCohort.getOrDefault(Cohort.PRE.label(), 0L) == 0) {
        noPre.add(c.serviceId() + " (" + c.windowStart() + " to " + c.changeDate() + ")");
      }
      if (byCohort.getOrDefault(Cohort.POST.label(), 0L) == 0) {
        noPost.add(c.serviceId() + " (" + c.washoutEnd() + " to " + c.windowEnd() + ")");
      }
    }
    List<String> out = new ArrayList<>();
    if (!absent.isEmpty()) {
      out.add(absent.size() + " service(s) of the cohort file have no finished course in the data: " + list(absent)
          + "; check their OrgID_Provider against the extracts (they take no part in the comparison)");
    }
    if (!noPre.isEmpty()) {
      out.add(noPre.size() + " cohort service(s) have no finished course discharged in their pre window: "
          + list(noPre) + "; check ChangeDate and WindowMonths against the months delivered");
    }
    if (!noPost.isEmpty()) {
      out.add(noPost.size() + " cohort service(s) have no finished course in their post cohort (first treatment"
          + " from the washout's end, discharged before the window's end): " + list(noPost)
          + "; check ChangeDate, WindowMonths and WashoutDays against the months delivered");
    }
    return out;
  }

  private static String list(List<String> items) {
    String shown = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
    return items.size() > LISTED ? shown + " and " + (items.size() - LISTED) + " more" : shown;
  }
}
