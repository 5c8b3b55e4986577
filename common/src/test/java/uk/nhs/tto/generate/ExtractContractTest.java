package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.generate.Extracts.Row;
import uk.nhs.tto.ingest.IdsTable;

/** A clean generated extract against the data contract of SPEC §1 and §2, read back as plain CSV. */
class ExtractContractTest {

  @TempDir
  static Path tmp;

  static Path root;
  static GenerationSummary summary;
  static final Map<IdsTable, List<Row>> ROWS = new HashMap<>();

  /** April 2023 is Unique_MonthID 1477: (2023 - 1900) * 12 + 4 - 3. */
  static final int FIRST_MONTH = 1477;

  /** SPEC §2 ranges by code. */
  static final Map<String, Integer> TOTAL_MAX = Map.of("720433000", 27, "445455005", 21);

  /** ROWS holds every generated row: let them go, the suite's JVM has a 1 GB heap. */
  @AfterAll
  static void release() {
    ROWS.clear();
  }

  @BeforeAll
  static void generate() {
    root = tmp.resolve("extract");
    summary = Generator.generate(Extracts.small(root).build(), line -> { });
    for (IdsTable t : IdsTable.values()) {
      ROWS.put(t, Extracts.rows(root, t));
    }
  }

  @Test
  void everyServiceMonthFolderHoldsTheSevenTables() {
    assertThat(Extracts.list(root)).extracting(p -> p.getFileName().toString())
        .containsExactly("T0001", "T0002", "T0003", "cohorts.csv", "generator.json");
    for (String service : List.of("T0001", "T0002", "T0003")) {
      assertThat(Extracts.list(root.resolve(service))).extracting(p -> p.getFileName().toString())
          .containsExactly("1477", "1478", "1479", "1480", "1481", "1482", "1483", "1484");
      for (Path month : Extracts.list(root.resolve(service))) {
        assertThat(Extracts.list(month)).extracting(p -> p.getFileName().toString())
            .containsExactlyInAnyOrder("IDS001MPI.csv", "IDS101Referral.csv", "IDS201CareContact.csv",
                "IDS202CareActivity.csv", "IDS603PresentingComplaints.csv", "IDS606CodedScoreAssessmentRefer.csv",
                "IDS607CodedScoreAssessmentAct.csv");
      }
    }
    for (IdsTable t : IdsTable.values()) {
      assertThat(ROWS.get(t)).as("rows of %s", t).hasSize((int) summary.rows(t)).isNotEmpty();
    }
  }

  @Test
  void everyRowCarriesItsFolderServiceAndMonthAndOneSubmissionIdPerFolder() {
    Map<String, Set<String>> submissionIds = new TreeMap<>();
    for (List<Row> rows : ROWS.values()) {
      for (Row r : rows) {
        assertThat(r.get("OrgID_Provider")).as(r.file()).isEqualTo(r.service());
        assertThat(Integer.parseInt(r.get("Unique_MonthID"))).as(r.file()).isEqualTo(r.folderMonth());
        submissionIds.computeIfAbsent(r.service() + "/" + r.folderMonth(), k -> new TreeSet<>())
            .add(r.get("UniqueSubmissionID"));
      }
    }
    assertThat(submissionIds).hasSize(3 * 8).allSatisfy((folder, ids) -> assertThat(ids).hasSize(1));
    Set<String> distinct = submissionIds.values().stream().map(s -> s.iterator().next()).collect(Collectors.toSet());
    assertThat(distinct).hasSize(3 * 8);
    // Fewer than 10 digits: never shaped like an NHS number, which would get a file refused.
    assertThat(distinct).allSatisfy(id -> assertThat(id).matches("\\d{1,9}"));
  }

  @Test
  void recordIdsAreUniqueAcrossTheWholeExtractAndReferralKeysWithinEachSubmission() {
    assertUnique(IdsTable.IDS201CareContact, "Unique_CareContactID", false);
    assertUnique(IdsTable.IDS202CareActivity, "Unique_CareActivityID", false);
    assertUnique(IdsTable.IDS606CodedScoreAssessmentRefer, "UniqueID_IDS606", false);
    assertUnique(IdsTable.IDS607CodedScoreAssessmentAct, "UniqueID_IDS607", false);
    assertUnique(IdsTable.IDS001MPI, "Person_ID", true);
    assertUnique(IdsTable.IDS101Referral, "PathwayID", true);
    Set<String> complaintKeys = new HashSet<>();
    for (Row r : ROWS.get(IdsTable.IDS603PresentingComplaints)) {
      assertThat(complaintKeys.add(r.file() + "|" + r.get("PathwayID") + "|" + r.get("PresComp"))).isTrue();
    }
  }

  private static void assertUnique(IdsTable table, String column, boolean perFile) {
    Set<String> seen = new HashSet<>();
    for (Row r : ROWS.get(table)) {
      String key = (perFile ? r.file() + "|" : "") + r.get(column);
      assertThat(seen.add(key)).as("%s %s repeated (%s line %d)", table, column, r.file(), r.line()).isTrue();
    }
  }

  @Test
  void contactsActivitiesAndScoresSitInTheSubmissionOfTheirMonth() {
    Map<String, Integer> contactFolder = new HashMap<>();
    for (Row r : ROWS.get(IdsTable.IDS201CareContact)) {
      assertThat(monthIdOf(r.get("CareContDate"))).as("%s line %d", r.file(), r.line()).isEqualTo(r.folderMonth());
      contactFolder.put(r.get("Unique_CareContactID"), r.folderMonth());
    }
    for (Row r : ROWS.get(IdsTable.IDS606CodedScoreAssessmentRefer)) {
      assertThat(monthIdOf(r.get("AssToolCompDate"))).as("%s line %d", r.file(), r.line()).isEqualTo(r.folderMonth());
    }
    for (IdsTable t : List.of(IdsTable.IDS202CareActivity, IdsTable.IDS607CodedScoreAssessmentAct)) {
      for (Row r : ROWS.get(t)) {
        assertThat(contactFolder.get(r.get("Unique_CareContactID"))).as("%s line %d", r.file(), r.line())
            .isEqualTo(r.folderMonth());
      }
    }
  }

  @Test
  void aCleanExtractHasNoRowTheSpecWouldQuarantine() {
    Set<String> pathways = new HashSet<>();
    Map<String, Set<String>> personsByFolder = new HashMap<>();
    for (Row r : ROWS.get(IdsTable.IDS001MPI)) {
      int age = Integer.parseInt(r.get("Age"));
      assertThat(age).isBetween(16, 90);
      assertThat(r.get("Gender")).isIn("1", "2", "9", "X");
      assertThat(r.get("EthnicCategory")).matches("[A-HJ-NPRSZ]|99");
      assertThat(r.get("IMD_Decile")).matches("|[1-9]|10");
      personsByFolder.computeIfAbsent(r.file().replace("IDS001MPI", ""), k -> new HashSet<>()).add(r.get("Person_ID"));
    }
    for (Row r : ROWS.get(IdsTable.IDS101Referral)) {
      LocalDate monthEnd = monthEnd(r.folderMonth());
      LocalDate referred = date(r, "ReferralRequestReceivedDate");
      assertThat(referred).isBeforeOrEqualTo(monthEnd);
      if (!r.get("ServDischDate").isEmpty()) {
        LocalDate discharged = date(r, "ServDischDate");
        assertThat(discharged).isBeforeOrEqualTo(monthEnd).isAfterOrEqualTo(referred);
        assertThat(r.get("EndCode")).isNotEmpty();
      } else {
        assertThat(r.get("EndCode")).isEmpty();
      }
      assertThat(personsByFolder.get(r.file().replace("IDS101Referral", ""))).contains(r.get("Person_ID"));
      pathways.add(r.get("PathwayID"));
    }
    Set<String> contacts = new HashSet<>();
    for (Row r : ROWS.get(IdsTable.IDS201CareContact)) {
      assertThat(date(r, "CareContDate")).isBeforeOrEqualTo(monthEnd(r.folderMonth()));
      assertThat(r.get("CareContTime")).matches("|([01]\\d|2[0-3]):[0-5]\\d");
      assertThat(r.get("AppType")).isIn("01", "02", "03", "04", "05", "06");
      assertThat(r.get("AttendOrDNACode")).matches("[2-7]");
      assertThat(r.get("CareProfLocalId")).startsWith(r.service() + "-TH");
      assertThat(pathways).as("referral of contact %s", r.get("Unique_CareContactID")).contains(r.get("PathwayID"));
      contacts.add(r.get("Unique_CareContactID"));
    }
    List<String> therapyCodes = Extracts.lines(Path.of("../conf/therapy-codes.csv")).stream()
        .filter(l -> !l.isEmpty() && Character.isDigit(l.charAt(0))).map(l -> l.split(",")[0]).toList();
    for (Row r : ROWS.get(IdsTable.IDS202CareActivity)) {
      assertThat(contacts).contains(r.get("Unique_CareContactID"));
      assertThat(pathways).contains(r.get("PathwayID"));
      assertThat(therapyCodes).contains(r.get("CodeProcAndProcStatus"));
    }
    for (Row r : ROWS.get(IdsTable.IDS603PresentingComplaints)) {
      assertThat(pathways).contains(r.get("PathwayID"));
      assertThat(r.get("PresComp")).matches("F\\d\\d(\\.\\d)?");
      assertThat(date(r, "PresCompDate")).isBeforeOrEqualTo(monthEnd(r.folderMonth()));
    }
    for (Row r : ROWS.get(IdsTable.IDS606CodedScoreAssessmentRefer)) {
      assertThat(pathways).contains(r.get("PathwayID"));
      assertScoreInRange(r);
      assertThat(date(r, "AssToolCompDate")).isBeforeOrEqualTo(monthEnd(r.folderMonth()));
    }
    for (Row r : ROWS.get(IdsTable.IDS607CodedScoreAssessmentAct)) {
      assertThat(pathways).contains(r.get("PathwayID"));
      assertThat(contacts).contains(r.get("Unique_CareContactID"));
      assertScoreInRange(r);
    }
  }

  /** SPEC §2: PHQ-9 0–27, GAD-7 0–21, WSAS and phobia items 0–8, under the catalogue's codes. */
  private static void assertScoreInRange(Row r) {
    String code = r.get("CodedAssToolType");
    assertThat(code).isIn("720433000", "445455005", "932621000000100", "932581000000100", "932611000000106",
        "932591000000103", "932601000000109", "PHOBIA_SOCIAL", "PHOBIA_AGORA", "PHOBIA_SPECIFIC");
    assertThat(r.get("PersScore")).as("%s line %d", r.file(), r.line()).matches("\\d+");
    assertThat(Integer.parseInt(r.get("PersScore"))).isBetween(0, TOTAL_MAX.getOrDefault(code, 8));
  }

  @Test
  void referralsAreResubmittedEveryMonthWhileOpenAndTheirLastRowShowsTheDischarge() {
    Map<String, TreeMap<Integer, Row>> byPathway = new HashMap<>();
    for (Row r : ROWS.get(IdsTable.IDS101Referral)) {
      byPathway.computeIfAbsent(r.get("PathwayID"), k -> new TreeMap<>()).put(r.folderMonth(), r);
    }
    int corrected = 0;
    int open = 0;
    for (TreeMap<Integer, Row> months : byPathway.values()) {
      Row firstRow = months.firstEntry().getValue();
      int referredIn = monthIdOf(firstRow.get("ReferralRequestReceivedDate"));
      assertThat(months.firstKey()).isEqualTo(Math.max(referredIn, FIRST_MONTH));
      assertThat(months.lastKey() - months.firstKey() + 1).as("months without gaps").isEqualTo(months.size());
      Row latest = months.lastEntry().getValue();
      if (latest.get("ServDischDate").isEmpty()) {
        assertThat(months.lastKey()).as("an open referral is in the last submission").isEqualTo(FIRST_MONTH + 7);
        open++;
        continue;
      }
      int dischargedIn = monthIdOf(latest.get("ServDischDate"));
      for (Row r : months.values()) {
        if (r.folderMonth() < dischargedIn) {
          assertThat(r.get("ServDischDate")).as("no discharge before it happens").isEmpty();
        }
      }
      Set<String> reported = months.values().stream().map(r -> r.get("ServDischDate")).filter(s -> !s.isEmpty())
          .collect(Collectors.toSet());
      if (reported.size() > 1) {
        corrected++;
      }
    }
    assertThat(open).as("referrals still open at the end").isGreaterThan(50);
    assertThat(corrected).as("discharge dates corrected in a later submission").isBetween(1, 60);
  }

  @Test
  void cohortFileGivesEachServiceAChangeDateMidwayWithWindowsInsideTheData() {
    List<String> lines = Extracts.lines(root.resolve("cohorts.csv"));
    assertThat(lines.get(0)).isEqualTo("OrgID_Provider,ChangeDate,WindowMonths,WashoutDays");
    assertThat(lines).hasSize(4);
    LocalDate start = LocalDate.of(2023, 4, 1);
    LocalDate endExclusive = LocalDate.of(2023, 12, 1);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      LocalDate change = LocalDate.parse(f[1]);
      int window = Integer.parseInt(f[2]);
      // 8 months: 244 days; 40% to 60% of the way is day 98 to day 146.
      assertThat(change).isBetween(start.plusDays(97), start.plusDays(147));
      assertThat(window).isBetween(1, 3);
      assertThat(change.minusMonths(window)).isAfterOrEqualTo(start);
      assertThat(change.plusMonths(window)).isBeforeOrEqualTo(endExclusive);
      assertThat(f[3]).isIn("0", "30");
    }
  }

  @Test
  void theExtractLooksLikeATalkingTherapiesService() {
    Map<String, List<Row>> contactsByPathway = ROWS.get(IdsTable.IDS201CareContact).stream()
        .collect(Collectors.groupingBy(r -> r.get("PathwayID")));
    Map<String, Row> latest = new HashMap<>();
    for (Row r : ROWS.get(IdsTable.IDS101Referral)) {
      latest.put(r.get("PathwayID"), r); // folder order: the last one read is the latest submission
    }
    Set<String> high = new HashSet<>(Extracts.highIntensityCodes());
    Set<String> highPathways = ROWS.get(IdsTable.IDS202CareActivity).stream()
        .filter(r -> high.contains(r.get("CodeProcAndProcStatus"))).map(r -> r.get("PathwayID"))
        .collect(Collectors.toSet());
    int finished = 0;
    int finishedHigh = 0;
    int treatmentContacts = 0;
    int exactlyTwo = 0;
    int dischargedUntreated = 0;
    for (Row r : latest.values()) {
      if (r.get("ServDischDate").isEmpty()) {
        continue;
      }
      long treatment = contactsByPathway.getOrDefault(r.get("PathwayID"), List.of()).stream()
          .filter(c -> Set.of("02", "03", "05").contains(c.get("AppType"))
              && Set.of("5", "6").contains(c.get("AttendOrDNACode")))
          .count();
      if (treatment < 2) {
        dischargedUntreated++;
        continue;
      }
      finished++;
      treatmentContacts += treatment;
      exactlyTwo += treatment == 2 ? 1 : 0;
      finishedHigh += highPathways.contains(r.get("PathwayID")) ? 1 : 0;
    }
    assertThat(finished).isEqualTo(summary.finishedCourses());
    assertThat((double) finishedHigh / finished).as("high-intensity share").isBetween(0.38, 0.55);
    assertThat((double) treatmentContacts / finished).as("treatment contacts per course").isBetween(6.0, 8.0);
    assertThat(exactlyTwo).isPositive();
    assertThat(dischargedUntreated).isPositive();

    List<Row> contacts = ROWS.get(IdsTable.IDS201CareContact);
    double notSeen = contacts.stream().filter(c -> !Set.of("5", "6").contains(c.get("AttendOrDNACode"))).count();
    assertThat(notSeen / contacts.size()).as("missed appointments").isBetween(0.05, 0.2);
    assertThat(contacts).anySatisfy(c -> assertThat(c.get("AppType")).isEqualTo("06"));
    assertThat(contacts).anySatisfy(c -> assertThat(c.get("CareContTime")).isEmpty());
    Map<String, Long> therapists = contacts.stream()
        .collect(Collectors.groupingBy(c -> c.get("OrgID_Provider"),
            Collectors.collectingAndThen(Collectors.mapping(c -> c.get("CareProfLocalId"), Collectors.toSet()),
                s -> (long) s.size())));
    assertThat(therapists.values()).allSatisfy(n -> assertThat(n).isBetween(8L, 40L));

    Map<String, Set<String>> complaints = ROWS.get(IdsTable.IDS603PresentingComplaints).stream()
        .collect(Collectors.groupingBy(r -> r.get("PathwayID"),
            Collectors.mapping(r -> r.get("PresComp"), Collectors.toSet())));
    assertThat(complaints.keySet()).isEqualTo(latest.keySet());
    assertThat(complaints.values()).allSatisfy(s -> assertThat(s).hasSizeBetween(1, 2));
    double personality = complaints.values().stream()
        .filter(s -> s.stream().anyMatch(c -> c.startsWith("F60") || c.startsWith("F61"))).count();
    assertThat(personality / complaints.size()).as("personality difficulties").isBetween(0.08, 0.17);

    List<Integer> ages = ROWS.get(IdsTable.IDS001MPI).stream().map(r -> Integer.parseInt(r.get("Age"))).sorted()
        .toList();
    assertThat(ages.get(ages.size() / 2)).as("median age").isBetween(28, 45);
  }

  @Test
  void scoresIncludeTheCasesThePairingRulesMustResolve() {
    // Records of one contact and code: a repeat (greatest record id stands) and WSAS with an item missing.
    Map<String, List<Row>> byContact = ROWS.get(IdsTable.IDS607CodedScoreAssessmentAct).stream()
        .collect(Collectors.groupingBy(r -> r.get("Unique_CareContactID")));
    List<String> wsas = List.of("932621000000100", "932581000000100", "932611000000106", "932591000000103",
        "932601000000109");
    int repeated = 0;
    int wsasIncomplete = 0;
    for (List<Row> rows : byContact.values()) {
      Set<String> codes = new HashSet<>();
      for (Row r : rows) {
        repeated += codes.add(r.get("CodedAssToolType")) ? 0 : 1;
      }
      long items = codes.stream().filter(wsas::contains).count();
      wsasIncomplete += items == 4 ? 1 : 0;
    }
    assertThat(repeated).isPositive();
    assertThat(wsasIncomplete).isPositive();
    assertThat(ROWS.get(IdsTable.IDS606CodedScoreAssessmentRefer)).isNotEmpty();
  }

  private static LocalDate date(Row r, String column) {
    try {
      return LocalDate.parse(r.get(column));
    } catch (DateTimeParseException e) {
      throw new AssertionError(r.file() + " line " + r.line() + ": " + column + " '" + r.get(column) + "'", e);
    }
  }

  /** Unique_MonthID of an ISO date, by SPEC's numbering (independent of the code under test). */
  private static int monthIdOf(String isoDate) {
    YearMonth ym = YearMonth.from(LocalDate.parse(isoDate));
    return (ym.getYear() - 1900) * 12 + ym.getMonthValue() - 3;
  }

  private static LocalDate monthEnd(int monthId) {
    return YearMonth.of(2023, 4).plusMonths(monthId - FIRST_MONTH).atEndOfMonth();
  }

}
