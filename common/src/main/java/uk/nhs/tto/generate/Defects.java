package uk.nhs.tto.generate;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import uk.nhs.tto.ingest.IdsTable;

/**
 * Decides where defective rows go and counts them. It draws from its own random stream so that a defective
 * extract holds exactly the rows of the clean one with the same seed, plus the defects.
 */
final class Defects {

  /** Record ids of defect rows start here, far above any service's own counters, so they never collide. */
  private static final long FIRST_DEFECT_NUMBER = 900_000_000L;

  private static final Map<IdsTable, List<DefectKind>> APPLICABLE = new EnumMap<>(Map.of(
      IdsTable.IDS001MPI, List.of(DefectKind.DUPLICATE_ID, DefectKind.MONTH_MISMATCH),
      IdsTable.IDS101Referral, List.of(DefectKind.BAD_DATE, DefectKind.DUPLICATE_ID, DefectKind.MONTH_MISMATCH),
      IdsTable.IDS201CareContact,
      List.of(DefectKind.BAD_DATE, DefectKind.ORPHAN, DefectKind.DUPLICATE_ID, DefectKind.MONTH_MISMATCH),
      IdsTable.IDS202CareActivity, List.of(DefectKind.ORPHAN, DefectKind.DUPLICATE_ID, DefectKind.MONTH_MISMATCH),
      IdsTable.IDS603PresentingComplaints,
      List.of(DefectKind.BAD_DATE, DefectKind.ORPHAN, DefectKind.DUPLICATE_ID, DefectKind.MONTH_MISMATCH),
      IdsTable.IDS606CodedScoreAssessmentRefer,
      List.of(DefectKind.BAD_DATE, DefectKind.NON_NUMERIC_SCORE, DefectKind.OUT_OF_RANGE_SCORE, DefectKind.ORPHAN,
          DefectKind.DUPLICATE_ID, DefectKind.MONTH_MISMATCH),
      IdsTable.IDS607CodedScoreAssessmentAct,
      List.of(DefectKind.NON_NUMERIC_SCORE, DefectKind.OUT_OF_RANGE_SCORE, DefectKind.ORPHAN,
          DefectKind.DUPLICATE_ID, DefectKind.MONTH_MISMATCH)));

  private final Rng rng;
  private final double fraction;
  private long nextNumber = FIRST_DEFECT_NUMBER;

  Defects(Rng rng, double fraction) {
    this.rng = rng;
    this.fraction = fraction;
  }

  /** Whether a defect follows the clean row just written, and which; {@code null} for none. */
  DefectKind after(IdsTable table) {
    if (!rng.chance(fraction)) {
      return null;
    }
    List<DefectKind> kinds = APPLICABLE.get(table);
    return kinds.get(rng.below(kinds.size()));
  }

  /** A fresh record number for a defect row's key (or an orphan's missing referral). */
  long freshNumber() {
    return nextNumber++;
  }

  /** Either an impossible date in the folder's year or a real date in dd/MM/yyyy. */
  String badDate(int monthYear, LocalDate real) {
    if (rng.chance(0.5)) {
      return monthYear + "-02-30";
    }
    return String.format("%02d/%02d/%04d", real.getDayOfMonth(), real.getMonthValue(), real.getYear());
  }

  String nonNumericScore() {
    return rng.chance(0.5) ? "abc" : "n/a";
  }

  String outOfRangeScore() {
    return rng.chance(0.5) ? "99" : "-1";
  }

  /** A month id one away from the folder's. */
  int otherMonth(int monthId) {
    return rng.chance(0.5) ? monthId - 1 : monthId + 1;
  }
}
