package uk.nhs.tto.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import uk.nhs.tto.analysis.RunRecord;
import uk.nhs.tto.analysis.RunsTable;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.conform.BronzeVersions;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.ingest.IngestTables;
import uk.nhs.tto.ingest.MonthId;
import uk.nhs.tto.ingest.Withdrawal;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.LakeLock;
import uk.nhs.tto.report.Report;

/**
 * What a lakehouse holds and what is out of date, read without changing anything ({@code scripts/tto status}): which
 * months each service has delivered and where a service is behind, has a gap or a month without one of its usual
 * tables; files refused and withdrawn; whether gold holds what bronze holds, the latest results run what gold holds,
 * and that run has its report (the decisions a nightly run would take); and which locks are held. Reads the ledger
 * ({@code meta.ingested_files}, one small aggregation) and the tables' logs, never their rows.
 */
public final class LakeStatus {

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** How many service lines the console summary shows; the JSON has every service. */
  static final int SHOWN_SERVICES = 20;

  /**
   * One service's deliveries. Months count as delivered when a file of theirs was ingested (and not withdrawn);
   * {@code gaps} are months between its first and last without one; {@code lacking} maps a delivered month to the
   * tables the service delivered in other months but not in that one.
   */
  public record Service(
      String service,
      SortedSet<Integer> months,
      List<Integer> gaps,
      Map<Integer, List<String>> lacking,
      long filesIngested,
      long filesRefused,
      long filesWithdrawn) {

    /** Months behind the latest month any service delivered (0 when it delivered that month). */
    int behind(int latestMonth) {
      return months.isEmpty() ? 0 : latestMonth - months.last();
    }

    boolean complete(int latestMonth) {
      return gaps.isEmpty() && lacking.isEmpty() && filesRefused == 0 && behind(latestMonth) == 0;
    }
  }

  /** Every service's deliveries, from the ledger, and when the last file was ingested (null before any). */
  public record Deliveries(List<Service> services, Instant lastIngest) {

    public Deliveries {
      services = List.copyOf(services);
    }

    /** Reads the ledger ({@code meta.ingested_files}) in one small aggregation; none yet reads as no service. */
    public static Deliveries read(Lake lake) {
      if (!lake.exists(IngestTables.META)) {
        return new Deliveries(List.of(), null);
      }
      List<Row> rows = lake.read(IngestTables.META)
          .groupBy("service_id", "month_id", "table", "status")
          .agg(count("*"), max(col("ingested_at")))
          .collectAsList();
      Instant last = null;
      for (Row r : rows) {
        if (!r.isNullAt(5) && (last == null || r.getTimestamp(5).toInstant().isAfter(last))) {
          last = r.getTimestamp(5).toInstant();
        }
      }
      return new Deliveries(LakeStatus.services(rows), last);
    }

    /** The latest month any service delivered, or empty when none has. */
    public Optional<Integer> latestMonth() {
      return services.stream().filter(s -> !s.months().isEmpty()).map(s -> s.months().last())
          .max(Integer::compare);
    }

    /** The services behind the latest month, with a gap or a month short of a table, or with a file refused. */
    public List<Service> needingALook() {
      int latest = latestMonth().orElse(0);
      return services.stream().filter(s -> !s.complete(latest)).toList();
    }

    /**
     * One phrase for a scheduler's log: {@code complete, every service to 2024-03 (1488)}, or how many services need a
     * look, naming the first few.
     */
    public String summary() {
      List<Service> look = needingALook();
      String latest = latestMonth().map(LakeStatus::month).orElse("none");
      if (look.isEmpty()) {
        return services.isEmpty() ? "none ingested" : "complete, every service to " + latest;
      }
      List<String> names = look.stream().map(Service::service).limit(5).toList();
      return look.size() + " of " + services.size() + " services need a look (" + String.join(", ", names)
          + (look.size() > names.size() ? ", …" : "") + "; scripts/tto status)";
    }

    /**
     * {@link #lines()}, at most {@link LakeStatus#SHOWN_SERVICES} of them, then {@code … and N more (whereTheRestAre)} when
     * there are more: what a console or a log shows.
     */
    public List<String> shownLines(String whereTheRestAre) {
      List<String> all = lines();
      List<String> out = new ArrayList<>(all.subList(0, Math.min(all.size(), SHOWN_SERVICES)));
      if (all.size() > SHOWN_SERVICES) {
        out.add("… and " + (all.size() - SHOWN_SERVICES) + " more (" + whereTheRestAre + ")");
      }
      return out;
    }

    /** One line per service needing a look: {@code T0004 2023-04 (1477) to 2023-08 (1481): … 1 behind}. */
    public List<String> lines() {
      int latest = latestMonth().orElse(0);
      return needingALook().stream().map(s -> serviceLine(s, latest)).toList();
    }
  }

  /** Where one stage stands: {@code up to date}, {@code out of date} or {@code not run}, and why. */
  public record Stage(String state, String detail) {

    static final String UP_TO_DATE = "up to date";
    static final String OUT_OF_DATE = "out of date";
    static final String NOT_RUN = "not run";

    public boolean upToDate() {
      return state.equals(UP_TO_DATE);
    }
  }

  private final String root;
  private final Deliveries deliveries;
  private final Stage gold;
  private final Stage results;
  private final Stage report;
  private final String latestRun;
  private final List<LakeLock.State> locks;

  private LakeStatus(String root, Deliveries deliveries, Stage gold, Stage results, Stage report,
      String latestRun, List<LakeLock.State> locks) {
    this.root = root;
    this.deliveries = deliveries;
    this.gold = gold;
    this.results = results;
    this.report = report;
    this.latestRun = latestRun;
    this.locks = List.copyOf(locks);
  }

  /** Reads the status of {@code lake}; a folder that holds no lakehouse is an error (exit 2). */
  public static LakeStatus of(Lake lake, Settings settings) {
    List<LakeLock.State> locks = new ArrayList<>();
    for (LakeLock.Kind kind : LakeLock.KINDS) {
      locks.add(LakeLock.probe(lake.root(), lake.spark().sparkContext().hadoopConfiguration(), kind));
    }
    if (!lake.exists(IngestTables.META) && !lake.exists(Derive.COURSES)) {
      throw TtoException.of(
          "No lakehouse at " + lake.root(),
          "it has neither the ingest ledger (" + IngestTables.META + ") nor gold tables",
          "check --lake, or run scripts/tto ingest --extracts DIR to start one there");
    }
    Deliveries deliveries = Deliveries.read(lake);
    Stage gold = gold(lake);
    Optional<String> latest = lake.exists(RunsTable.NAME) ? RunsTable.latest(lake) : Optional.empty();
    Stage results;
    Stage report;
    if (latest.isEmpty()) {
      results = new Stage(Stage.NOT_RUN, "no analysis run yet: scripts/tto analyse");
      report = new Stage(Stage.NOT_RUN, "no analysis run to report");
    } else {
      RunRecord run = RunsTable.require(lake, latest.get());
      String when = "run " + run.runId() + " (ended " + MINUTE.format(run.endedAt()) + ")";
      results = Nightly.resultsUpToDate(lake)
          ? new Stage(Stage.UP_TO_DATE, when + " read the gold tables as they are")
          : new Stage(Stage.OUT_OF_DATE, when + " read gold tables that have changed since: scripts/tto analyse");
      Path index = Report.directory(settings, run.runId()).resolve("index.html");
      report = Files.exists(index)
          ? new Stage(Stage.UP_TO_DATE, index.toString())
          : new Stage(Stage.OUT_OF_DATE, "no " + index + ": scripts/tto report --run " + run.runId());
    }
    return new LakeStatus(lake.root(), deliveries, gold, results, report, latest.orElse(null), locks);
  }

  /** Gold against bronze: the versions gold's derive read (recorded in its commits) and bronze's now. */
  private static Stage gold(Lake lake) {
    if (!lake.exists(Derive.SCORE_PAIRS)) {
      return new Stage(Stage.NOT_RUN, "no gold tables yet: scripts/tto derive");
    }
    Optional<BronzeVersions> read = BronzeVersions.recordedIn(lake, Derive.SCORE_PAIRS);
    if (Nightly.goldUpToDate(lake)) {
      return new Stage(Stage.UP_TO_DATE, "derived from bronze " + read.get().describe());
    }
    if (read.isEmpty()) {
      return new Stage(Stage.OUT_OF_DATE, "gold records no bronze versions (derived by an earlier version of"
          + " tt-outcomes, or a derive stopped part-way): scripts/tto derive");
    }
    Map<String, Long> then = read.get().versions();
    Map<String, Long> now = BronzeVersions.current(lake).versions();
    List<String> changed = new ArrayList<>();
    TreeSet<String> tables = new TreeSet<>(then.keySet());
    tables.addAll(now.keySet());
    for (String t : tables) {
      Long a = then.get(t);
      Long b = now.get(t);
      if (a == null) {
        changed.add(t + " (new since)");
      } else if (b == null) {
        changed.add(t + " (gone since)");
      } else if (!lake.unchangedSince(t, a)) {
        changed.add(t + " " + a + " → " + b);
      }
    }
    String what = changed.isEmpty()
        ? "a derive stopped part-way (the gold tables record different bronze versions)"
        : "bronze changed since gold was derived: " + String.join(", ", changed);
    return new Stage(Stage.OUT_OF_DATE, what + "; scripts/tto derive");
  }

  /** Per service, from the ledger's counts per service, month, table and status. */
  static List<Service> services(List<Row> ledger) {
    Map<String, Map<Integer, TreeSet<String>>> ingested = new TreeMap<>();
    Map<String, long[]> files = new TreeMap<>();
    for (Row r : ledger) {
      String service = r.isNullAt(0) ? "(unknown)" : r.getString(0);
      String status = r.getString(3);
      long n = r.getLong(4);
      long[] f = files.computeIfAbsent(service, s -> new long[3]);
      ingested.computeIfAbsent(service, s -> new TreeMap<>());
      if (Withdrawal.WITHDRAWN.equals(status)) {
        f[2] += n;
      } else if (IngestTables.INGESTED.equals(status)) {
        f[0] += n;
        if (!r.isNullAt(1)) {
          ingested.get(service).computeIfAbsent(r.getInt(1), m -> new TreeSet<>()).add(r.getString(2));
        }
      } else {
        f[1] += n;
      }
    }
    List<Service> out = new ArrayList<>();
    for (Map.Entry<String, Map<Integer, TreeSet<String>>> e : ingested.entrySet()) {
      Map<Integer, TreeSet<String>> byMonth = e.getValue();
      TreeSet<Integer> months = new TreeSet<>(byMonth.keySet());
      List<Integer> gaps = new ArrayList<>();
      TreeSet<String> usual = new TreeSet<>();
      byMonth.values().forEach(usual::addAll);
      Map<Integer, List<String>> lacking = new TreeMap<>();
      if (!months.isEmpty()) {
        for (int m = months.first(); m <= months.last(); m++) {
          if (!months.contains(m)) {
            gaps.add(m);
          }
        }
        byMonth.forEach((m, tables) -> {
          List<String> missing = usual.stream().filter(t -> !tables.contains(t)).toList();
          if (!missing.isEmpty()) {
            lacking.put(m, missing);
          }
        });
      }
      long[] f = files.get(e.getKey());
      out.add(new Service(e.getKey(), Collections.unmodifiableSortedSet(months), List.copyOf(gaps),
          Collections.unmodifiableMap(lacking), f[0], f[1], f[2]));
    }
    return out;
  }

  public List<Service> services() {
    return deliveries.services();
  }

  public Deliveries deliveries() {
    return deliveries;
  }

  public Stage gold() {
    return gold;
  }

  public Stage results() {
    return results;
  }

  public Stage report() {
    return report;
  }

  public List<LakeLock.State> locks() {
    return locks;
  }

  /** The latest month any service delivered, or empty when none has. */
  public Optional<Integer> latestMonth() {
    return deliveries.latestMonth();
  }

  /**
   * What a nightly run would do next, besides ingesting new files: each stage not up to date, and every stage after
   * one it runs (a derive writes new gold versions, which the results then no longer match).
   */
  public List<String> nextNightly() {
    List<String> out = new ArrayList<>();
    boolean derive = !gold.upToDate();
    boolean analyse = derive || !results.upToDate();
    if (derive) {
      out.add("derive");
    }
    if (analyse) {
      out.add("analyse");
    }
    if (analyse || !report.upToDate()) {
      out.add("report");
    }
    return out;
  }

  /** The console summary: deliveries, the services that need a look (at most {@link #SHOWN_SERVICES}), stages, locks. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("lakehouse ").append(root).append('\n');
    List<Service> services = deliveries.services();
    Instant lastIngest = deliveries.lastIngest();
    long ingested = services.stream().mapToLong(Service::filesIngested).sum();
    long refused = services.stream().mapToLong(Service::filesRefused).sum();
    long withdrawn = services.stream().mapToLong(Service::filesWithdrawn).sum();
    Optional<Integer> latest = latestMonth();
    if (services.isEmpty()) {
      b.append("deliveries: no file ingested yet\n");
    } else {
      int first = services.stream().filter(s -> !s.months().isEmpty()).mapToInt(s -> s.months().first()).min()
          .orElse(latest.orElse(0));
      b.append(String.format("deliveries: %d services, months %s; %,d files ingested, %,d refused, %,d withdrawn%s%n",
          services.size(), latest.map(l -> span(first, l)).orElse("none ingested"), ingested, refused, withdrawn,
          lastIngest == null ? "" : "; last ingest " + MINUTE.format(lastIngest)));
      int latestMonth = latest.orElse(0);
      List<Service> attention = deliveries.needingALook();
      deliveries.shownLines("--json lists every service").forEach(line -> b.append("  ").append(line).append('\n'));
      int fine = services.size() - attention.size();
      if (fine > 0) {
        b.append("  ").append(attention.isEmpty() ? "every service" : fine + " other service(s)")
            .append(": every month to ").append(month(latestMonth)).append(", every table, no file refused\n");
      }
    }
    b.append("gold: ").append(gold.state()).append(" (").append(gold.detail()).append(")\n");
    b.append("results: ").append(results.state()).append(" (").append(results.detail()).append(")\n");
    b.append("report: ").append(report.state()).append(" (").append(report.detail()).append(")\n");
    List<String> next = nextNightly();
    b.append("next nightly: ingest new files").append(next.isEmpty() ? " only" : ", then " + String.join(", ", next))
        .append('\n');
    b.append("locks: ");
    for (int i = 0; i < locks.size(); i++) {
      b.append(i == 0 ? "" : " · ").append(locks.get(i).describe());
    }
    return b.append('\n').toString();
  }

  private static String serviceLine(Service s, int latestMonth) {
    List<String> notes = new ArrayList<>();
    if (s.months().isEmpty()) {
      notes.add("no month ingested");
    } else {
      int behind = s.behind(latestMonth);
      if (behind > 0) {
        notes.add("last month " + month(s.months().last()) + ", " + behind + " behind");
      }
      if (!s.gaps().isEmpty()) {
        notes.add("missing " + months(s.gaps()));
      }
      s.lacking().forEach((m, tables) -> notes.add(month(m) + " lacks " + String.join(", ", tables)));
    }
    if (s.filesRefused() > 0) {
      notes.add(s.filesRefused() + " file(s) refused (meta.ingested_files, status REFUSED, says why)");
    }
    if (s.filesWithdrawn() > 0) {
      notes.add(s.filesWithdrawn() + " withdrawn");
    }
    String range = s.months().isEmpty() ? "" : " " + span(s.months().first(), s.months().last());
    return s.service() + range + ": " + String.join("; ", notes);
  }

  private static String months(List<Integer> ids) {
    List<String> out = new ArrayList<>();
    ids.forEach(m -> out.add(month(m)));
    return String.join(", ", out);
  }

  private static String span(int first, int last) {
    return first == last ? month(first) : month(first) + " to " + month(last);
  }

  /** {@code 2023-04 (1477)}: the calendar month and the IDS month id that files and tables use. */
  static String month(int id) {
    YearMonth ym = MonthId.toYearMonth(id);
    return ym + " (" + id + ")";
  }

  private static Map<String, Object> stageJson(Stage s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", s.state());
    m.put("detail", s.detail());
    return m;
  }

  /** The JSON summary: every service's months, gaps and files; each stage; each lock. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lake", root);
    m.put("latest_month", latestMonth().orElse(null));
    m.put("last_ingest", deliveries.lastIngest() == null ? null : deliveries.lastIngest().toString());
    List<Map<String, Object>> list = new ArrayList<>();
    int latest = latestMonth().orElse(0);
    for (Service s : deliveries.services()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("service", s.service());
      j.put("first_month", s.months().isEmpty() ? null : s.months().first());
      j.put("last_month", s.months().isEmpty() ? null : s.months().last());
      j.put("months_behind", s.behind(latest));
      j.put("gaps", s.gaps());
      Map<String, List<String>> lacking = new LinkedHashMap<>();
      s.lacking().forEach((k, v) -> lacking.put(String.valueOf(k), v));
      j.put("months_lacking_tables", lacking);
      j.put("files_ingested", s.filesIngested());
      j.put("files_refused", s.filesRefused());
      j.put("files_withdrawn", s.filesWithdrawn());
      list.add(j);
    }
    m.put("services", list);
    m.put("gold", stageJson(gold));
    m.put("results", stageJson(results));
    m.put("report", stageJson(report));
    m.put("latest_run", latestRun);
    m.put("next_nightly", nextNightly());
    List<Map<String, Object>> l = new ArrayList<>();
    for (LakeLock.State s : locks) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("kind", s.kind().name());
      j.put("held", s.held());
      j.put("holder", s.holder());
      j.put("where", s.where());
      l.add(j);
    }
    m.put("locks", l);
    return m;
  }
}
