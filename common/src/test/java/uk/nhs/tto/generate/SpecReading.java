package uk.nhs.tto.generate;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import uk.nhs.tto.generate.Extracts.Row;
import uk.nhs.tto.ingest.IdsTable;

/**
 * A hand-rolled reading of a clean CSV extract by the SPEC's rules (§1 latest row wins, §3 treatment contacts,
 * finished courses, intensity, occasions, first and last scores, §5 pre and post cohorts), written from the SPEC
 * for the tests and sharing no code with the generator: it checks what the generator planted.
 */
final class SpecReading {

  /** Codes of each domain's measure (SPEC §2); a multi-item total needs every code on the occasion. */
  static final List<String> PHQ9 = List.of("720433000");
  static final List<String> GAD7 = List.of("445455005");
  static final List<String> WSAS = List.of("932621000000100", "932581000000100", "932611000000106",
      "932591000000103", "932601000000109");
  static final List<String> PHOBIA = List.of("PHOBIA_SOCIAL", "PHOBIA_AGORA", "PHOBIA_SPECIFIC");

  private final Map<String, Row> referrals = new HashMap<>();
  private final Map<String, Row> contacts = new HashMap<>();
  private final Map<String, List<Row>> contactsByPathway = new HashMap<>();
  private final Set<String> highPathways = new HashSet<>();
  private final Set<String> personalityPathways = new HashSet<>();
  private final Map<String, List<Row>> scoresByPathway = new HashMap<>();
  private final Map<String, String[]> cohorts = new HashMap<>();

  SpecReading(Path root) {
    for (Row r : Extracts.rows(root, IdsTable.IDS101Referral)) {
      referrals.put(r.get("PathwayID"), r); // rows come in month order, so the latest submission wins
    }
    for (Row r : Extracts.rows(root, IdsTable.IDS201CareContact)) {
      contacts.put(r.get("Unique_CareContactID"), r);
      contactsByPathway.computeIfAbsent(r.get("PathwayID"), k -> new ArrayList<>()).add(r);
    }
    Set<String> high = new HashSet<>(Extracts.highIntensityCodes());
    for (Row r : Extracts.rows(root, IdsTable.IDS202CareActivity)) {
      if (high.contains(r.get("CodeProcAndProcStatus"))) {
        highPathways.add(r.get("PathwayID"));
      }
    }
    for (Row r : Extracts.rows(root, IdsTable.IDS603PresentingComplaints)) {
      if (r.get("PresComp").startsWith("F60") || r.get("PresComp").startsWith("F61")) {
        personalityPathways.add(r.get("PathwayID"));
      }
    }
    for (IdsTable t : List.of(IdsTable.IDS606CodedScoreAssessmentRefer, IdsTable.IDS607CodedScoreAssessmentAct)) {
      for (Row r : Extracts.rows(root, t)) {
        scoresByPathway.computeIfAbsent(r.get("PathwayID"), k -> new ArrayList<>()).add(r);
      }
    }
    List<String> lines = Extracts.lines(root.resolve("cohorts.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      cohorts.put(f[0], f);
    }
  }

  /** Change (last − first) of one measure, per course, for high-intensity finished courses of a cohort. */
  List<Integer> changes(String cohort, List<String> codes, Predicate<String> pathwayFilter) {
    List<Integer> out = new ArrayList<>();
    for (Row referral : finished(cohort, true, pathwayFilter)) {
      int[] pair = pair(referral, codes);
      if (pair != null) {
        out.add(pair[1] - pair[0]);
      }
    }
    return out;
  }

  /**
   * SPEC §4's key metrics of a cohort's finished courses of either intensity: flags need both PHQ-9 and GAD-7
   * paired; recovery is over courses at caseness at first, improvement and deterioration over every finished course.
   */
  KeyMetrics keyMetrics(String cohort) {
    int finished = 0;
    int caseness = 0;
    int recovered = 0;
    int improved = 0;
    int deteriorated = 0;
    for (Row referral : finished(cohort, false, pathway -> true)) {
      finished++;
      int[] phq = pair(referral, PHQ9);
      int[] gad = pair(referral, GAD7);
      if (phq == null || gad == null) {
        continue;
      }
      boolean atCaseness = phq[0] >= 10 || gad[0] >= 8;
      boolean fell = phq[1] - phq[0] <= -6 || gad[1] - gad[0] <= -4;
      boolean rose = phq[1] - phq[0] >= 6 || gad[1] - gad[0] >= 4;
      caseness += atCaseness ? 1 : 0;
      recovered += atCaseness && phq[1] < 10 && gad[1] < 8 ? 1 : 0;
      improved += fell && !rose ? 1 : 0;
      deteriorated += rose && !fell ? 1 : 0;
    }
    return new KeyMetrics(finished, caseness, recovered, improved, deteriorated);
  }

  /** Counts of SPEC §4's flags and the national rates. */
  record KeyMetrics(int finished, int caseness, int recovered, int improved, int deteriorated) {
    double casenessShare() {
      return (double) caseness / finished;
    }

    double recoveryRate() {
      return (double) recovered / caseness;
    }

    double improvementRate() {
      return (double) improved / finished;
    }

    double deteriorationRate() {
      return (double) deteriorated / finished;
    }
  }

  /** Finished courses (SPEC §3) of a cohort (SPEC §5), their latest referral rows. */
  private List<Row> finished(String cohort, boolean highOnly, Predicate<String> pathwayFilter) {
    List<Row> out = new ArrayList<>();
    for (Row referral : referrals.values()) {
      String pathway = referral.get("PathwayID");
      if (referral.get("ServDischDate").isEmpty() || (highOnly && !highPathways.contains(pathway))
          || !pathwayFilter.test(pathway)) {
        continue;
      }
      List<LocalDate> treatment = new ArrayList<>();
      for (Row c : contactsByPathway.getOrDefault(pathway, List.of())) {
        if (List.of("02", "03", "05").contains(c.get("AppType")) && attended(c)) {
          treatment.add(LocalDate.parse(c.get("CareContDate")));
        }
      }
      if (treatment.size() >= 2 && cohort.equals(cohortOf(referral, treatment.stream().min(LocalDate::compareTo)
          .orElseThrow()))) {
        out.add(referral);
      }
    }
    return out;
  }

  boolean personality(String pathway) {
    return personalityPathways.contains(pathway);
  }

  /** SPEC §5 with C the change date, W months (day clamped) and the washout. */
  private String cohortOf(Row referral, LocalDate firstTreatment) {
    String[] c = cohorts.get(referral.service());
    LocalDate change = LocalDate.parse(c[1]);
    int window = Integer.parseInt(c[2]);
    int washout = c[3].isEmpty() ? 0 : Integer.parseInt(c[3]);
    LocalDate discharged = LocalDate.parse(referral.get("ServDischDate"));
    if (!discharged.isBefore(change.minusMonths(window)) && discharged.isBefore(change)) {
      return "pre";
    }
    if (!firstTreatment.isBefore(change.plusDays(washout)) && !discharged.isBefore(change)
        && discharged.isBefore(change.plusMonths(window))) {
      return "post";
    }
    return "other";
  }

  /**
   * SPEC §3: valid occasions in order, the greatest record id per code, totals only when every code is there; the
   * first and last total, or null without two.
   */
  private int[] pair(Row referral, List<String> codes) {
    LocalDate referred = LocalDate.parse(referral.get("ReferralRequestReceivedDate"));
    LocalDate discharged = LocalDate.parse(referral.get("ServDischDate"));
    // occasion sort key -> code -> {record id, score}
    TreeMap<String, Map<String, String[]>> occasions = new TreeMap<>();
    for (Row s : scoresByPathway.getOrDefault(referral.get("PathwayID"), List.of())) {
      String code = s.get("CodedAssToolType");
      if (!codes.contains(code)) {
        continue;
      }
      String key;
      String id;
      LocalDate date;
      if (s.has("UniqueID_IDS606")) {
        date = LocalDate.parse(s.get("AssToolCompDate"));
        key = date + "|0";
        id = s.get("UniqueID_IDS606");
      } else {
        Row c = contacts.get(s.get("Unique_CareContactID"));
        if (!attended(c) || c.get("AppType").equals("06")) {
          continue;
        }
        date = LocalDate.parse(c.get("CareContDate"));
        // A missing time sorts first: "" is before any HH:mm.
        key = date + "|1|" + c.get("CareContTime") + "|" + c.get("Unique_CareContactID");
        id = s.get("UniqueID_IDS607");
      }
      if (date.isBefore(referred) || date.isAfter(discharged)) {
        continue;
      }
      Map<String, String[]> byCode = occasions.computeIfAbsent(key, k -> new HashMap<>());
      String[] previous = byCode.get(code);
      if (previous == null || id.compareTo(previous[0]) > 0) {
        byCode.put(code, new String[] {id, s.get("PersScore")});
      }
    }
    List<Integer> totals = new ArrayList<>();
    for (Map<String, String[]> byCode : occasions.values()) {
      if (byCode.keySet().containsAll(codes)) {
        totals.add(byCode.values().stream().mapToInt(v -> Integer.parseInt(v[1])).sum());
      }
    }
    return totals.size() >= 2 ? new int[] {totals.get(0), totals.get(totals.size() - 1)} : null;
  }

  private static boolean attended(Row contact) {
    return contact.get("AttendOrDNACode").equals("5") || contact.get("AttendOrDNACode").equals("6");
  }

  /** Mean change of post courses minus mean change of pre courses: the raw difference-in-differences. */
  double rawDid(List<String> codes, Predicate<String> pathwayFilter) {
    return mean(changes("post", codes, pathwayFilter)) - mean(changes("pre", codes, pathwayFilter));
  }

  static double mean(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).average().orElseThrow();
  }
}
