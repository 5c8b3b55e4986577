package uk.nhs.tto.cohorts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Derive warns when the cohort file names a service the data cannot put in the comparison. */
class CohortFileCheckTest {

  private static CohortDefinition cohort(String service) {
    return new CohortDefinition(service, LocalDate.of(2024, 3, 31), 1, 14);
  }

  @Test
  void aServiceWithPreAndPostCoursesIsNotMentioned() {
    assertThat(CohortFileCheck.warnings(List.of(cohort("RA1")), Map.of("RA1", Map.of("pre", 3L, "post", 1L))))
        .isEmpty();
  }

  @Test
  void aServiceWithoutAnyFinishedCourseIsProbablyAMistypedId() {
    List<String> w = CohortFileCheck.warnings(List.of(cohort("RA1"), cohort("RAl")),
        Map.of("RA1", Map.of("pre", 3L, "post", 1L)));

    assertThat(w).containsExactly("1 service(s) of the cohort file have no finished course in the data: RAl; check"
        + " their OrgID_Provider against the extracts (they take no part in the comparison)");
  }

  @Test
  void aWindowThatMissesTheDataNamesTheWindowItLookedIn() {
    List<String> w = CohortFileCheck.warnings(List.of(cohort("RB2")), Map.of("RB2", Map.of("outside", 40L)));

    // C = 31 Mar 2024, W = 1 month: pre is discharged in [29 Feb, 31 Mar); post starts on or after 14 Apr (14 days
    // of washout) and is discharged before 30 Apr (31 Mar + 1 month, clamped).
    assertThat(w).hasSize(2);
    assertThat(w.get(0)).contains("no finished course discharged in their pre window: RB2 (2024-02-29 to 2024-03-31)");
    assertThat(w.get(1)).contains("no finished course in their post cohort").contains("RB2 (2024-04-14 to 2024-04-30)");
  }

  @Test
  void longListsAreCutAfterTenNames() {
    List<CohortDefinition> many = new ArrayList<>();
    Map<String, Map<String, Long>> finished = new HashMap<>();
    for (int i = 1; i <= 13; i++) {
      many.add(cohort("X" + i));
    }

    assertThat(CohortFileCheck.warnings(many, finished).get(0))
        .startsWith("13 service(s)")
        .contains("X1, X2, X3, X4, X5, X6, X7, X8, X9, X10 and 3 more");
  }
}
