package uk.nhs.tto.derive;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.conform.Quarantine;
import uk.nhs.tto.conform.Reconciliation;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.testing.BronzeFixtures;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Derive end to end on {@link DeriveScenario}: every expected value below is worked out by hand from the
 * fixture (the working is in the scenario's comments and next to each assertion). Derive runs twice on the same
 * bronze; the assertions read the second run's tables, and one test checks the two runs left identical content.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeriveTest {

  private Lake lake;
  private DeriveResult result;
  private Map<String, List<String>> afterFirstRun;
  private Map<String, List<String>> afterSecondRun;
  private Map<String, List<String>> afterSortMergeRun;
  private List<String> firstRunPlans;
  private List<String> sortMergeRunPlans;
  private final Map<String, Row> courses = new HashMap<>();
  private final Map<String, Row> pairs = new HashMap<>();
  private List<Row> keyMetrics;
  private final Map<String, List<Row>> quarantine = new HashMap<>();

  @BeforeAll
  void deriveTheScenarioTwice(SparkSession spark, @TempDir Path dir) throws Exception {
    lake = new Lake(spark, dir.resolve("lake").toString());
    DeriveScenario.build().writeTo(lake);
    writeIngestQuarantineRow(spark);
    Path cohorts = dir.resolve("cohorts.csv");
    Files.writeString(cohorts, DeriveScenario.COHORTS, StandardCharsets.UTF_8);
    Settings settings =
        Settings.defaults()
            .with(
                Map.of(
                    Keys.COHORTS, cohorts.toString(),
                    Keys.MEASURES, BronzeFixtures.projectConf("measures.csv").toString(),
                    Keys.THERAPY_CODES, BronzeFixtures.projectConf("therapy-codes.csv").toString()));

    firstRunPlans = plansOf(spark, () -> Derive.run(lake, settings));
    afterFirstRun = snapshot();
    result = Derive.run(lake, settings);
    afterSecondRun = snapshot();

    lake.read(Derive.COURSES).collectAsList().forEach(r -> courses.put(r.getAs("PathwayID"), r));
    lake.read(Derive.SCORE_PAIRS).collectAsList()
        .forEach(r -> pairs.put(r.getAs("PathwayID") + "/" + r.getAs("measure"), r));
    keyMetrics = lake.read(Derive.KEY_METRICS).collectAsList();
    for (IdsTable t : IdsTable.values()) {
      quarantine.put(t.tableName(), lake.read(Quarantine.tableOf(t)).collectAsList());
    }

    // Once more with care contacts joined to their children by sort-merge: an advisory partition size of one byte
    // leaves room for no hash map (Conform.hashJoinFits), where the runs above joined them by hash; and no table is
    // broadcast, as adaptive execution would otherwise do with tables this small.
    Map<String, String> sortMerge =
        Map.of("spark.sql.adaptive.advisoryPartitionSizeInBytes", "1b", "spark.sql.autoBroadcastJoinThreshold", "-1");
    Map<String, String> configured = new HashMap<>();
    sortMerge.forEach((key, value) -> {
      configured.put(key, spark.conf().get(key));
      spark.conf().set(key, value);
    });
    try {
      sortMergeRunPlans = plansOf(spark, () -> Derive.run(lake, settings));
    } finally {
      configured.forEach(spark.conf()::set);
    }
    afterSortMergeRun = snapshot();
  }

  // ---- conform: reconciliation, quarantine, de-duplication ------------------------------------------------

  @Test
  void everyBronzeRowIsAcceptedSupersededOrQuarantinedExactlyOnce() {
    // bronze = accepted + superseded + quarantined, counted from the scenario:
    // MPI 10 = 8 + 1 (U01 April) + 1 (U99); referrals 20 = 14 + 2 (P11 October, P12 14970) + 4 (PQ1, PQ2, PQ4, PQ5);
    // contacts 41 = 38 + 0 + 3 (KQ1a, KQ3, KQ4); activities 7 = 5 + 0 + 2 (VQ10, VQ11);
    // complaints 5 = 3 + 1 (P02 F32 April) + 1 (PX); IDS606 27 = 20 + 0 + 7 (RQ5, RQ5b, RQ6, RQ7, RQ8, RQ9, RQ10);
    // IDS607 45 = 43 + 0 + 2 (AQ3, AQ11).
    assertReconciled(IdsTable.IDS001MPI, 10, 8, 1, 1);
    assertReconciled(IdsTable.IDS101Referral, 20, 14, 2, 4);
    assertReconciled(IdsTable.IDS201CareContact, 41, 38, 0, 3);
    assertReconciled(IdsTable.IDS202CareActivity, 7, 5, 0, 2);
    assertReconciled(IdsTable.IDS603PresentingComplaints, 5, 3, 1, 1);
    assertReconciled(IdsTable.IDS606CodedScoreAssessmentRefer, 27, 20, 0, 7);
    assertReconciled(IdsTable.IDS607CodedScoreAssessmentAct, 45, 43, 0, 2);
    assertThat(result.balanced()).isTrue();
    assertThat(result.tableRows())
        .containsEntry("silver.persons", 8L)
        .containsEntry("silver.referrals", 14L)
        .containsEntry("silver.contacts", 38L)
        .containsEntry("silver.activities", 5L)
        .containsEntry("silver.complaints", 3L)
        .containsEntry("silver.assessments", 63L);
  }

  @Test
  void eachDeriveRuleQuarantinesTheRowsThatBreakIt() {
    Map<String, Map<String, Long>> q = result.quarantine();
    assertThat(q.get("ids001mpi")).isEqualTo(Map.of(Quarantine.REQUIRED_MISSING, 1L));
    assertThat(q.get("ids101referral"))
        .isEqualTo(Map.of(Quarantine.REQUIRED_MISSING, 2L, Quarantine.DATE_AFTER_MONTH, 1L,
            Quarantine.DISCHARGE_BEFORE_REFERRAL, 1L));
    assertThat(q.get("ids201carecontact"))
        .isEqualTo(Map.of(Quarantine.REQUIRED_MISSING, 1L, Quarantine.DATE_AFTER_MONTH, 1L, Quarantine.ORPHAN, 1L));
    assertThat(q.get("ids202careactivity")).isEqualTo(Map.of(Quarantine.ORPHAN, 2L));
    assertThat(q.get("ids603presentingcomplaints")).isEqualTo(Map.of(Quarantine.ORPHAN, 1L));
    assertThat(q.get("ids606codedscoreassessmentrefer"))
        .isEqualTo(Map.of(Quarantine.REQUIRED_MISSING, 1L, Quarantine.UNKNOWN_MEASURE, 1L,
            Quarantine.SCORE_NOT_NUMBER, 2L, Quarantine.SCORE_OUT_OF_RANGE, 2L, Quarantine.ORPHAN, 1L));
    assertThat(q.get("ids607codedscoreassessmentact")).isEqualTo(Map.of(Quarantine.ORPHAN, 2L));
    assertThat(ruleOf("ids606codedscoreassessmentrefer", "RQ7")).isEqualTo(Quarantine.SCORE_OUT_OF_RANGE);
    assertThat(ruleOf("ids606codedscoreassessmentrefer", "RQ5b")).isEqualTo(Quarantine.SCORE_NOT_NUMBER);
    assertThat(ruleOf("ids201carecontact", "KQ1a")).isEqualTo(Quarantine.ORPHAN);
    assertThat(ruleOf("ids607codedscoreassessmentact", "AQ3")).isEqualTo(Quarantine.ORPHAN);
    assertThat(ruleOf("ids101referral", "PQ2")).isEqualTo(Quarantine.REQUIRED_MISSING);
  }

  @Test
  void aQuarantineRowNamesFileLineValueRuleAndFixAndKeepsTheDeliveredValues() {
    Row kq3 = quarantineRow("ids201carecontact", "KQ3");
    // KQ3 is the only IDS201 row of S1/1489, so line 2 (the header is line 1).
    assertThat(kq3.<String>getAs("message"))
        .startsWith("S1/1489/IDS201CareContact.csv line 2: CareContDate 2024-05-05 is after 2024-04-30")
        .contains("rule ROW_DATE_AFTER_MONTH")
        .contains("quarantined");
    assertThat(kq3.<String>getAs("stage")).isEqualTo("derive");
    assertThat(kq3.<Long>getAs("_line")).isEqualTo(2L);
    assertThat(kq3.<Integer>getAs("_month_id")).isEqualTo(1489);
    assertThat(kq3.<String>getAs("record"))
        .contains("\"Unique_CareContactID\":\"KQ3\"")
        .contains("\"CareContDate\":\"2024-05-05\"");

    Row orphan = quarantineRow("ids606codedscoreassessmentrefer", "RQ9");
    // The pseudonymised PathwayID stays out of the message (it is in the record).
    assertThat(orphan.<String>getAs("message")).contains("PathwayID matches no accepted referral").doesNotContain("PX");
    Row missing = quarantineRow("ids101referral", "PQ2");
    assertThat(missing.<String>getAs("message")).contains("required value missing: EndCode");
  }

  @Test
  void ingestStageQuarantineRowsSurviveDeriveAndDeriveRowsAreReplacedNotAppended() {
    List<Row> rows = quarantine.get(IdsTable.IDS101Referral.tableName());
    // One ingest row written before derive; 4 derive rows per run, the second run replacing the first's.
    assertThat(rows).filteredOn(r -> "ingest".equals(r.getAs("stage"))).hasSize(1);
    assertThat(rows).filteredOn(r -> "derive".equals(r.getAs("stage"))).hasSize(4);
  }

  @Test
  void theLatestSubmissionOfAKeyWins() {
    // P11: October (1495) discharged 2024-09-30, December (1497) 2024-10-15 -> December.
    assertThat(course("P11").<Date>getAs("discharge_date")).isEqualTo(Date.valueOf("2024-10-15"));
    // P12: both December; UniqueSubmissionID 14971 (discharged 2024-08-31) beats 14970 (open).
    assertThat(course("P12").<Date>getAs("discharge_date")).isEqualTo(Date.valueOf("2024-08-31"));
    // U01: April age 30, December 31.
    assertThat(course("P01").<Integer>getAs("age")).isEqualTo(31);
    // P11's contacts were only in October's submission: a key absent from later submissions keeps its row.
    assertThat(course("P11").<Integer>getAs("treatment_contacts")).isEqualTo(2);
  }

  @Test
  void aWholeNumberScoreWrittenWithADecimalPointIsAccepted() {
    Row a10 = lake.read("silver.assessments").filter(col("record_id").equalTo("A10")).first();
    assertThat(a10.<Integer>getAs("score")).isEqualTo(12);
    assertThat(a10.<String>getAs("measure")).isEqualTo("PHQ9");
    assertThat(a10.<Date>getAs("occasion_date")).isEqualTo(Date.valueOf("2024-04-10"));
  }

  // ---- score pairs ------------------------------------------------------------------------------------------

  @Test
  void ids606AndIds607ScoresOnTheSameDayAreTwoOccasionsWithIds606First() {
    // P01 PHQ-9: R011 (IDS606, 04-10) = 20, then A011 (IDS607 at K01a, 04-10) = 18.
    assertPair("P01/PHQ9", 20, 18, "2024-04-10", "2024-04-10", 2);
  }

  @Test
  void contactsOnOneDayAreOrderedByTimeWithMissingTimeFirstThenContactId() {
    // P01 GAD-7: K01b (no time) = 15 before K01a (10:00) = 9.
    assertPair("P01/GAD7", 15, 9, "2024-04-10", "2024-04-10", 2);
    // P04 PHQ-9: C10 and C9 both 04-17 09:00; "C10" < "C9" in string order: first 4, last 12.
    assertPair("P04/PHQ9", 4, 12, "2024-04-17", "2024-04-17", 2);
  }

  @Test
  void scoresOutsideTheReferralOrAtDnaOrFollowUpContactsAreIgnored() {
    // P05 PHQ-9 valid: R051 07-16 = 15 and R052 09-15 = 9 only. Ignored: R056 04-30 (before the referral, 27),
    // R055 09-21 (after discharge, 0), A05X at a DNA contact (27), A05Y at a follow-up contact (27).
    assertPair("P05/PHQ9", 15, 9, "2024-07-16", "2024-09-15", 2);
    assertPair("P05/GAD7", 13, 9, "2024-07-16", "2024-09-15", 2);
  }

  @Test
  void aCourseWithOneValidScoreOfAMeasureHasNoPair() {
    // P10 PHQ-9: A10 at K10a is valid; R10 (06-26) is after discharge (06-25).
    assertThat(pairs).doesNotContainKey("P10/PHQ9");
    assertThat(course("P10").<Integer>getAs("phq9_first")).isNull();
  }

  @Test
  void multiItemTotalsExistOnlyWhereEveryItemIsScoredOnTheOccasion() {
    // WSAS: K10a 2+3+4+5+6 = 20, K10b 5 x 1 = 5; K10c has 4 of 5 items -> no total there.
    assertPair("P10/WSAS", 20, 5, "2024-04-10", "2024-05-10", 2);
    // Phobia: K10a 4+5+6 = 15, K10b 3+2+1 = 6; K10c has 2 of 3 items -> no total there.
    assertPair("P10/PHOBIA", 15, 6, "2024-04-10", "2024-05-10", 2);
    assertThat(pairs.get("P10/WSAS").<String>getAs("domain")).isEqualTo("social_functioning");
    assertThat(pairs.get("P10/PHOBIA").<String>getAs("domain")).isEqualTo("phobia");
  }

  @Test
  void theGreatestRecordIdStandsWhenACodeIsScoredTwiceOnOneOccasion() {
    // P02 PHQ-9 at K02c: A29 = 14 and A100 = 16; "A29" > "A100" in string order, so 14 stands. Last A201 = 7.
    assertPair("P02/PHQ9", 14, 7, "2024-04-15", "2024-05-15", 2);
  }

  @Test
  void scorePairsHoldExactlyTheHandWorkedPairs() {
    // PathwayID/measure -> first, last, change (change = last - first).
    Map<String, List<Integer>> expected = new LinkedHashMap<>();
    expected.put("P01/PHQ9", List.of(20, 18, -2));
    expected.put("P01/GAD7", List.of(15, 9, -6));
    expected.put("P02/PHQ9", List.of(14, 7, -7));
    expected.put("P02/GAD7", List.of(10, 6, -4));
    expected.put("P04/PHQ9", List.of(4, 12, 8));
    expected.put("P04/GAD7", List.of(5, 5, 0));
    expected.put("P05/PHQ9", List.of(15, 9, -6));
    expected.put("P05/GAD7", List.of(13, 9, -4));
    expected.put("P08/PHQ9", List.of(15, 10, -5));
    expected.put("P08/GAD7", List.of(12, 7, -5));
    expected.put("P09/PHQ9", List.of(20, 5, -15));
    expected.put("P09/GAD7", List.of(15, 3, -12));
    expected.put("P10/GAD7", List.of(10, 4, -6));
    expected.put("P10/WSAS", List.of(20, 5, -15));
    expected.put("P10/PHOBIA", List.of(15, 6, -9));
    expected.put("P21/PHQ9", List.of(8, 3, -5));
    expected.put("P21/GAD7", List.of(12, 5, -7));
    expected.put("P22/PHQ9", List.of(2, 9, 7));
    expected.put("P22/GAD7", List.of(7, 2, -5));
    Map<String, List<Integer>> actual =
        pairs.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(
                e.getValue().<Integer>getAs("first_score"), e.getValue().<Integer>getAs("last_score"),
                e.getValue().<Integer>getAs("change"))));
    assertThat(actual).isEqualTo(expected);
    assertThat(pairs.get("P21/PHQ9").<String>getAs("service_id")).isEqualTo("S2");
  }

  // ---- courses ----------------------------------------------------------------------------------------------

  @Test
  void aDischargedCourseWithTwoTreatmentContactsIsFinishedAndWithOneIsNot() {
    assertThat(course("P01").<Integer>getAs("treatment_contacts")).isEqualTo(2);
    assertThat(course("P01").<Boolean>getAs("finished")).isTrue();
    // P09: K09a (02, attended) is treatment; K09b is an assessment (01).
    assertThat(course("P09").<Integer>getAs("treatment_contacts")).isEqualTo(1);
    assertThat(course("P09").<Boolean>getAs("finished")).isFalse();
    // P12 has no contacts at all.
    assertThat(course("P12").<Integer>getAs("treatment_contacts")).isZero();
    assertThat(course("P12").<Boolean>getAs("finished")).isFalse();
    // P05: TA 3 + TB 2; TC's assessments, TB's DNA and TA's follow-up are not treatment.
    assertThat(course("P05").<Integer>getAs("treatment_contacts")).isEqualTo(5);
    assertThat(course("P05").<Date>getAs("first_treatment_date")).isEqualTo(Date.valueOf("2024-07-16"));
    assertThat(course("P05").<Date>getAs("last_treatment_date")).isEqualTo(Date.valueOf("2024-08-15"));
  }

  @Test
  void anOpenReferralIsNotFinishedAndCarriesNoFlagsOrCohort() {
    Row p08 = course("P08");
    assertThat(p08.<Boolean>getAs("finished")).isFalse();
    assertThat(p08.<Date>getAs("discharge_date")).isNull();
    assertThat(p08.<Integer>getAs("discharge_month_id")).isNull();
    assertThat(p08.<Integer>getAs("phq9_first")).isEqualTo(15);
    assertThat(flags(p08)).containsOnlyNulls();
    assertThat(p08.<String>getAs("cohort")).isNull();
  }

  @Test
  void theTherapistHasMostTreatmentContactsWithTiesToTheEarliestFirstContact() {
    assertThat(course("P05").<String>getAs("therapist")).isEqualTo("TA"); // 3 against 2 (TC's 4 are not treatment)
    assertThat(course("P02").<String>getAs("therapist")).isEqualTo("TB"); // 2:2, TB first on 04-15
    assertThat(course("P03").<String>getAs("therapist")).isEqualTo("TB"); // 1:1 same day, TB's has no time
    assertThat(course("P04").<String>getAs("therapist")).isEqualTo("TB"); // 1:1 same time, "C10" < "C9"
  }

  @Test
  void intensityIsHighIfAnyHighActivityElseLowIfAnyLowElseNull() {
    assertThat(course("P01").<String>getAs("intensity")).isEqualTo("HIGH");
    assertThat(course("P03").<String>getAs("intensity")).isEqualTo("LOW");
    assertThat(course("P04").<String>getAs("intensity")).isEqualTo("HIGH"); // LOW and HIGH
    assertThat(course("P05").<String>getAs("intensity")).isNull(); // unlisted code
    assertThat(course("P02").<String>getAs("intensity")).isNull(); // no activity
  }

  @Test
  void clientAttributesAreBandedAndGrouped() {
    // pathway -> age, age_band, gender, gender_label, ethnic_category, ethnic_group, imd_decile, imd_quintile
    assertClient("P01", 31, "26-35", "2", "female", "A", "White", 3, 2);
    assertClient("P02", 16, "16-25", "1", "male", "D", "Mixed", 10, 5);
    assertClient("P03", 15, "under 16", "9", "indeterminate", "H", "Asian", 1, 1);
    assertClient("P04", 66, "66+", "X", "not known", "M", "Black", null, null);
    assertClient("P05", 45, "36-45", "2", "female", "R", "Other", 4, 2);
    assertClient("P06", 46, "46-55", "1", "male", "Z", "Not stated", 5, 3);
    assertClient("P07", 65, "56-65", "2", "female", "99", "Not stated", 6, 3);
    assertClient("P08", 25, "16-25", "2", "female", "N", "Black", 7, 4);
    // U09 is not in IDS001MPI.
    assertClient("P09", null, null, null, null, null, "Not stated", null, null);
  }

  @Test
  void personalityDifficultyIsAnyPresentingComplaintF60OrF61() {
    assertThat(course("P01").<Boolean>getAs("personality_difficulty")).isTrue(); // F60.3
    assertThat(course("P02").<Boolean>getAs("personality_difficulty")).isFalse(); // F32
    assertThat(course("P03").<Boolean>getAs("personality_difficulty")).isTrue(); // f61
    assertThat(course("P04").<Boolean>getAs("personality_difficulty")).isFalse(); // none
  }

  @Test
  void finishedCoursesOfCohortServicesFallIntoOneCohort() {
    // C = 2024-07-01, W = 3, washout 14: pre discharge in [04-01, 07-01); post first >= 07-15 and discharge in
    // [07-01, 10-01); spanning first < 07-01 <= discharge; washout first in [07-01, 07-15).
    assertThat(cohortOf("P01")).isEqualTo("pre"); // discharged 06-28
    assertThat(cohortOf("P02")).isEqualTo("spanning"); // first 04-15, discharged 07-20
    assertThat(cohortOf("P05")).isEqualTo("post"); // first 07-16, discharged 09-20
    assertThat(cohortOf("P06")).isEqualTo("washout"); // first 07-05
    assertThat(cohortOf("P07")).isEqualTo("outside"); // discharged 03-15
    assertThat(cohortOf("P11")).isEqualTo("outside"); // first 07-20, discharged 10-15 (after the window)
    assertThat(cohortOf("P09")).isNull(); // not finished
    assertThat(cohortOf("P21")).isNull(); // S2 is not in the cohort file
  }

  @Test
  void outcomeFlagsNeedAFinishedCourseWithBothPhq9AndGad7Paired() {
    // caseness, recovered, reliably improved, reliably deteriorated, reliably recovered
    // P01 PHQ 20->18, GAD 15->9: caseness (20>=10); PHQ 18 >= 10 at last so not recovered; GAD falls 6 >= 4 and
    //   nothing rises -> improved.
    assertThat(flags(course("P01"))).containsExactly(true, false, true, false, false);
    // P02 PHQ 14->7, GAD 10->6: caseness; 7<10 and 6<8 -> recovered; falls 7 and 4 -> improved; both -> reliably
    //   recovered.
    assertThat(flags(course("P02"))).containsExactly(true, true, true, false, true);
    // P04 PHQ 4->12, GAD 5->5: not at caseness; PHQ rises 8 >= 6 and nothing falls -> deteriorated.
    assertThat(flags(course("P04"))).containsExactly(false, false, false, true, false);
    // P05 PHQ 15->9, GAD 13->9: caseness; GAD 9 >= 8 at last -> not recovered; falls exactly 6 and 4 -> improved.
    assertThat(flags(course("P05"))).containsExactly(true, false, true, false, false);
    // P21 PHQ 8->3, GAD 12->5: caseness by GAD alone; recovered; GAD falls 7 -> improved; reliably recovered.
    assertThat(flags(course("P21"))).containsExactly(true, true, true, false, true);
    // P22 PHQ 2->9 rises 7, GAD 7->2 falls 5: each change is cancelled by the other -> neither.
    assertThat(flags(course("P22"))).containsExactly(false, false, false, false, false);
    // Finished without both pairs (P03 no scores, P10 no PHQ-9 pair), or not finished though paired (P09).
    assertThat(flags(course("P03"))).containsOnlyNulls();
    assertThat(flags(course("P10"))).containsOnlyNulls();
    assertThat(flags(course("P09"))).containsOnlyNulls();
  }

  @Test
  void goldCoursesHasOneRowPerAcceptedReferralInContractColumnOrder() {
    assertThat(courses.keySet())
        .containsExactlyInAnyOrder(
            "P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10", "P11", "P12", "P21", "P22");
    assertThat(lake.read(Derive.COURSES).columns())
        .containsExactly(uk.nhs.tto.courses.Courses.COLUMNS.toArray(String[]::new));
    assertThat(course("P01").<Integer>getAs("discharge_month_id")).isEqualTo(1491); // June 2024
  }

  // ---- key metrics ------------------------------------------------------------------------------------------

  @Test
  void keyMetricsCountFinishedCoursesAndRateOverTheRightDenominators() {
    // Finished: P01 P02 P03 P04 P05 P06 P07 P10 P11 (S1) and P21 P22 (S2) = 11. Flags from the test above:
    // at caseness P01 P02 P05 P21 = 4; recovered P02 P21 = 2; improved P01 P02 P05 P21 = 4; deteriorated P04 = 1;
    // reliably recovered P02 P21 = 2. Rates: recovery 2/4, improvement 4/11, deterioration 1/11, reliable
    // recovery 2/4.
    assertMetrics(metrics("national", null, null, null), 11, 4, 2, 4, 1, 2, 0.5, 4 / 11.0, 1 / 11.0, 0.5);
    // S1: 9 finished; caseness P01 P02 P05; recovered P02; improved P01 P02 P05; deteriorated P04.
    assertMetrics(metrics("service", "S1", null, null), 9, 3, 1, 3, 1, 1, 1 / 3.0, 3 / 9.0, 1 / 9.0, 1 / 3.0);
    // S2: P21 (all but deteriorated) and P22 (none).
    assertMetrics(metrics("service", "S2", null, null), 2, 1, 1, 1, 0, 1, 1.0, 0.5, 0.0, 1.0);
    // pre: P01 P03 P04 P10; caseness P01 only (recovered 0 -> rate 0/1 = 0).
    assertMetrics(metrics("cohort", null, null, "pre"), 4, 1, 0, 1, 1, 0, 0.0, 0.25, 0.25, 0.0);
    // washout: P06, unpaired: recovery rate has denominator 0 -> null.
    assertMetrics(metrics("cohort", null, null, "washout"), 1, 0, 0, 0, 0, 0, null, 0.0, 0.0, null);
    assertMetrics(metrics("cohort", null, null, "outside"), 2, 0, 0, 0, 0, 0, null, 0.0, 0.0, null); // P07 P11
    assertMetrics(metrics("cohort", null, null, "post"), 1, 1, 0, 1, 0, 0, 0.0, 1.0, 0.0, 0.0); // P05
    assertMetrics(metrics("cohort", null, null, "spanning"), 1, 1, 1, 1, 0, 1, 1.0, 1.0, 0.0, 1.0); // P02
    // Discharge months: June 1491 = P01 P03 P04 P10; August 1493 = P21 P22 (S2).
    assertMetrics(metrics("national_month", null, 1491, null), 4, 1, 0, 1, 1, 0, 0.0, 0.25, 0.25, 0.0);
    assertMetrics(metrics("service_month", "S2", 1493, null), 2, 1, 1, 1, 0, 1, 1.0, 0.5, 0.0, 1.0);
    // 1 national + 2 services + 6 service-months (S1: 1488 1491 1492 1494 1495; S2: 1493) + 6 national months
    // + 5 cohorts.
    assertThat(keyMetrics).hasSize(20);
  }

  @Test
  void theJsonSummaryCarriesTablesQuarantineAndNationalKeyMetrics() throws Exception {
    Map<String, Object> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(result.toJson(), Map.class);
    assertThat(json).containsKeys("tables", "quarantine", "key_metrics", "reconciliation");
    // National counts are exact (SPEC §7) but, like every count leaving the lakehouse, null under 5 (SPEC §6):
    // finished 11, at caseness 4, recovered 2, reliably improved 4, deteriorated 1, reliably recovered 2.
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("finished", 11);
    for (String small : List.of("at_caseness", "recovered", "reliably_improved", "reliably_deteriorated",
        "reliably_recovered")) {
      expected.put(small, null);
    }
    assertThat(json.get("key_metrics")).isEqualTo(expected);
    assertThat(((Map<?, ?>) json.get("tables")).get("gold.courses")).isEqualTo(Map.of("rows", 14));
    assertThat(((Map<?, ?>) json.get("tables")).get("gold.score_pairs")).isEqualTo(Map.of("rows", 19));
    assertThat(((Map<?, ?>) json.get("tables")).get("gold.key_metrics")).isEqualTo(Map.of("rows", 20));
    assertThat(((Map<?, ?>) ((Map<?, ?>) json.get("quarantine")).get("ids202careactivity")))
        .isEqualTo(Map.of("ROW_ORPHAN", 2));
  }

  // ---- idempotency and errors -------------------------------------------------------------------------------

  @Test
  void derivingTwiceOnTheSameBronzeLeavesEveryTableWithTheSameContent() {
    assertThat(afterSecondRun.keySet()).isEqualTo(afterFirstRun.keySet());
    afterFirstRun.forEach((table, rows) -> assertThat(afterSecondRun.get(table)).as(table).isEqualTo(rows));
    assertThat(afterFirstRun.get(Derive.COURSES)).hasSize(14);
  }

  @Test
  void joiningCareContactsByHashOrBySortMergeGivesTheSameTables() {
    assertThat(firstRunPlans).anyMatch(p -> p.contains("ShuffledHashJoin"));
    assertThat(sortMergeRunPlans).noneMatch(p -> p.contains("ShuffledHashJoin"));
    assertThat(sortMergeRunPlans).anyMatch(p -> p.contains("SortMergeJoin"));
    assertThat(afterSortMergeRun.keySet()).isEqualTo(afterFirstRun.keySet());
    afterFirstRun.forEach((table, rows) -> assertThat(afterSortMergeRun.get(table)).as(table).isEqualTo(rows));
  }

  @Test
  void derivingALakehouseWithoutBronzeSaysToRunIngestFirst(SparkSession spark, @TempDir Path empty) {
    Settings settings =
        Settings.defaults()
            .with(Map.of(
                Keys.MEASURES, BronzeFixtures.projectConf("measures.csv").toString(),
                Keys.THERAPY_CODES, BronzeFixtures.projectConf("therapy-codes.csv").toString()));
    assertThatThrownBy(() -> Derive.run(new Lake(spark, empty.toString()), settings))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("has no bronze tables")
        .hasMessageContaining("run scripts/tto ingest");
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  /** The physical plans of every SQL execution {@code work} ran, as planned and as adaptive execution re-planned. */
  private static List<String> plansOf(SparkSession spark, Runnable work) throws TimeoutException {
    List<String> plans = Collections.synchronizedList(new ArrayList<>());
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onOtherEvent(SparkListenerEvent event) {
            if (event instanceof SparkListenerSQLExecutionStart start) {
              plans.add(start.physicalPlanDescription());
            } else if (event instanceof SparkListenerSQLAdaptiveExecutionUpdate update) {
              plans.add(update.physicalPlanDescription());
            }
          }
        };
    spark.sparkContext().addSparkListener(listener);
    try {
      work.run();
      spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    return List.copyOf(plans);
  }

  private Map<String, List<String>> snapshot() {
    List<String> tables = new ArrayList<>(Derive.TABLES);
    Arrays.stream(IdsTable.values()).map(Quarantine::tableOf).forEach(tables::add);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String t : tables) {
      if (lake.exists(t)) {
        out.put(t, lake.read(t).collectAsList().stream().map(Row::toString).sorted().toList());
      }
    }
    return out;
  }

  private void writeIngestQuarantineRow(SparkSession spark) {
    Row row =
        RowFactory.create(
            "S1/1497/IDS101Referral.csv", "abc", 40L, Timestamp.valueOf("2025-01-15 09:30:00"), "S1", 1497,
            "ingest", "STRUCT_BAD_DATE", "bad date", null);
    lake.append(Quarantine.tableOf(IdsTable.IDS101Referral), spark.createDataFrame(List.of(row), Quarantine.SCHEMA));
  }

  private void assertReconciled(IdsTable table, long bronze, long accepted, long superseded, long quarantined) {
    Reconciliation r = result.reconciliations().get(table);
    assertThat(List.of(r.bronzeRows(), r.accepted(), r.superseded(), r.quarantined()))
        .as(table.name())
        .containsExactly(bronze, accepted, superseded, quarantined);
    assertThat(r.balanced()).isTrue();
  }

  private Row quarantineRow(String table, String recordId) {
    List<Row> found =
        quarantine.get(table).stream()
            .filter(r -> "derive".equals(r.getAs("stage")))
            .filter(r -> r.<String>getAs("record").contains("\"" + recordId + "\""))
            .toList();
    assertThat(found).as(table + " " + recordId).hasSize(1);
    return found.get(0);
  }

  private String ruleOf(String table, String recordId) {
    return quarantineRow(table, recordId).getAs("rule");
  }

  private Row course(String pathway) {
    assertThat(courses).containsKey(pathway);
    return courses.get(pathway);
  }

  private String cohortOf(String pathway) {
    return course(pathway).getAs("cohort");
  }

  private static List<Boolean> flags(Row course) {
    return Arrays.asList(
        course.getAs("caseness"), course.getAs("recovered"), course.getAs("reliably_improved"),
        course.getAs("reliably_deteriorated"), course.getAs("reliably_recovered"));
  }

  private void assertPair(String key, int first, int last, String firstDate, String lastDate, int n) {
    assertThat(pairs).containsKey(key);
    Row p = pairs.get(key);
    assertThat(Arrays.asList(p.getAs("first_score"), p.getAs("last_score"), p.getAs("first_date"),
            p.getAs("last_date"), p.getAs("n_scores"), p.getAs("change")))
        .as(key)
        .containsExactly(first, last, Date.valueOf(firstDate), Date.valueOf(lastDate), n, last - first);
  }

  private void assertClient(String pathway, Integer age, String band, String gender, String genderLabel,
      String ethnic, String ethnicGroup, Integer imd, Integer quintile) {
    Row c = course(pathway);
    assertThat(Arrays.asList(c.getAs("age"), c.getAs("age_band"), c.getAs("gender"), c.getAs("gender_label"),
            c.getAs("ethnic_category"), c.getAs("ethnic_group"), c.getAs("imd_decile"), c.getAs("imd_quintile")))
        .as(pathway)
        .containsExactly(age, band, gender, genderLabel, ethnic, ethnicGroup, imd, quintile);
  }

  private Row metrics(String level, String service, Integer month, String cohort) {
    List<Row> matching =
        keyMetrics.stream()
            .filter(r -> level.equals(r.getAs("level")))
            .filter(r -> java.util.Objects.equals(service, r.getAs("service_id")))
            .filter(r -> java.util.Objects.equals(month, r.getAs("month_id")))
            .filter(r -> java.util.Objects.equals(cohort, r.getAs("cohort")))
            .toList();
    assertThat(matching).as(level + " " + service + " " + month + " " + cohort).hasSize(1);
    return matching.get(0);
  }

  private static void assertMetrics(Row r, long finished, long caseness, long recovered, long improved,
      long deteriorated, long reliablyRecovered, Double recoveryRate, Double improvementRate,
      Double deteriorationRate, Double reliableRecoveryRate) {
    assertThat(Arrays.asList(r.getAs("finished"), r.getAs("at_caseness"), r.getAs("recovered"),
            r.getAs("reliably_improved"), r.getAs("reliably_deteriorated"), r.getAs("reliably_recovered")))
        .containsExactly(finished, caseness, recovered, improved, deteriorated, reliablyRecovered);
    assertRate(r.getAs("recovery_rate"), recoveryRate);
    assertRate(r.getAs("reliable_improvement_rate"), improvementRate);
    assertRate(r.getAs("reliable_deterioration_rate"), deteriorationRate);
    assertRate(r.getAs("reliable_recovery_rate"), reliableRecoveryRate);
  }

  private static void assertRate(Double actual, Double expected) {
    if (expected == null) {
      assertThat(actual).isNull();
    } else {
      assertThat(actual).isCloseTo(expected, within(1e-12));
    }
  }
}
