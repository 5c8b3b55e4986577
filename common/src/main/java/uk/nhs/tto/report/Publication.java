package uk.nhs.tto.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uk.nhs.tto.analysis.CohortDescription;
import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.analysis.DomainResult;
import uk.nhs.tto.analysis.Domains;
import uk.nhs.tto.analysis.ModelFacts;
import uk.nhs.tto.analysis.QualityCount;
import uk.nhs.tto.analysis.RunRecord;
import uk.nhs.tto.disclosure.Disclosure;

/**
 * A run's results as they may leave the lakehouse: every count, rate and estimate of the report, its CSV, its JSON
 * and printed tables passes through here, and only here, under SPEC §6's disclosure control — counts under the
 * threshold shown as {@code *} (and every figure derived from them), other counts rounded, estimates from cohorts
 * below the configured minimum withheld with the reason. Renderers ({@link HtmlReport}, {@link #csv()},
 * {@link #json()}, {@link #headlineTable()}) only lay out the text this class produces.
 */
public final class Publication {

  /** Decimal places of published estimates (the seed study's style). */
  static final int DECIMALS = 2;

  private final RunRecord run;
  private final Disclosure disclosure;
  private final List<Domain> domains = new ArrayList<>();
  private final List<QualityLine> quality = new ArrayList<>();

  private Publication(RunRecord run, Disclosure disclosure) {
    this.run = run;
    this.disclosure = disclosure;
  }

  /** The published view of a run's results under {@code disclosure}'s thresholds. */
  public static Publication of(RunRecord run, List<DomainResult> results, Disclosure disclosure) {
    Publication p = new Publication(run, disclosure);
    for (DomainResult r : results) {
      p.domains.add(p.domain(r));
    }
    for (QualityCount q : run.quality()) {
      p.quality.add(new QualityLine(q.table(), q.stage(), q.rule(), disclosure.count(q.rows())));
    }
    return p;
  }

  public RunRecord run() {
    return run;
  }

  public Disclosure disclosure() {
    return disclosure;
  }

  public List<Domain> domains() {
    return domains;
  }

  public List<QualityLine> quality() {
    return quality;
  }

  /**
   * One domain as published. {@code estimate} is empty when withheld or not estimated, and {@code note} says why;
   * {@code figure} is the estimate in the seed study's style ({@code −2.53 (95% CI −3.02 to −2.04)}) or the note,
   * {@code headline} the same led by the domain's name.
   */
  public record Domain(
      String domain,
      String measure,
      String label,
      String measureLabel,
      Optional<DidEstimate> estimate,
      String figure,
      String headline,
      String note,
      String p,
      Cohort pre,
      Cohort post,
      String unadjustedDifference,
      Optional<Model> model) {}

  /**
   * One cohort of a domain as published: counts as text ({@code *} or rounded), means as text (or {@code *}, or
   * {@code withheld}); {@code n} is the rounded count for machines, empty when suppressed.
   */
  public record Cohort(
      String name,
      String clients,
      Optional<Long> n,
      String services,
      String therapists,
      String meanFirst,
      String meanLast,
      String meanChange,
      String sdChange,
      Optional<double[]> means) {}

  /** Model details of an estimate that is published. */
  public record Model(
      String formula,
      String method,
      String criterion,
      String observations,
      Map<String, String> groups,
      Map<String, String[]> variances,
      String convergence,
      String dropped,
      List<String> warnings) {}

  /** One line of the data-quality summary. */
  public record QualityLine(String table, String stage, String rule, String rows) {}

  private Domain domain(DomainResult r) {
    String label = Domains.label(r.domain());
    Cohort pre = cohort("pre", r.pre());
    Cohort post = cohort("post", r.post());
    String note;
    Optional<DidEstimate> estimate = Optional.empty();
    Optional<String> withheld = disclosure.withheldReason(label, r.pre().clients(), r.post().clients());
    if (r.status() == DomainResult.Status.NO_DATA) {
      note = label + ": no courses in either cohort have a " + Domains.measureLabel(r.measure()) + " pair";
    } else if (withheld.isPresent()) {
      note = withheld.get();
    } else if (r.status() != DomainResult.Status.FITTED) {
      note = label + ": not estimated, the model could not be fitted (details in results.did inside the lakehouse)";
    } else {
      estimate = Optional.of(r.did());
      note = "";
    }
    String figure =
        estimate
            .map(e -> Numbers.display(e.estimate(), DECIMALS) + " (95% CI " + Numbers.display(e.satLow(), DECIMALS)
                + " to " + Numbers.display(e.satHigh(), DECIMALS) + ")")
            .orElse(note);
    String headline = estimate.isPresent() ? label + " " + figure : note;
    String unadjusted = unadjusted(pre, post);
    Optional<Model> model = estimate.isPresent() ? Optional.of(model(r)) : Optional.empty();
    return new Domain(
        r.domain(), r.measure(), label, Domains.measureLabel(r.measure()), estimate, figure, headline, note,
        estimate.map(e -> Numbers.p(e.p())).orElse(""), pre, post, unadjusted, model);
  }

  private Cohort cohort(String name, CohortDescription c) {
    String meanFirst;
    String meanLast;
    String meanChange;
    String sd;
    Optional<double[]> means = Optional.empty();
    if (disclosure.isSuppressed(c.clients())) {
      meanFirst = meanLast = meanChange = sd = Disclosure.SUPPRESSED;
    } else if (c.clients() < disclosure.minClientsPerCohort()) {
      meanFirst = meanLast = meanChange = sd = "withheld";
    } else {
      meanFirst = Numbers.display(c.meanFirst(), DECIMALS);
      meanLast = Numbers.display(c.meanLast(), DECIMALS);
      meanChange = Numbers.display(c.meanChange(), DECIMALS);
      sd = c.sdChange() == null ? "" : Numbers.display(c.sdChange(), DECIMALS);
      means = Optional.of(new double[] {c.meanFirst(), c.meanLast(), c.meanChange()});
    }
    return new Cohort(
        name, disclosure.count(c.clients()), disclosure.safeCount(c.clients()), disclosure.count(c.services()),
        disclosure.count(c.therapists()), meanFirst, meanLast, meanChange, sd, means);
  }

  private static String unadjusted(Cohort pre, Cohort post) {
    if (pre.means().isPresent() && post.means().isPresent()) {
      return Numbers.display(post.means().get()[2] - pre.means().get()[2], DECIMALS);
    }
    if (pre.meanChange().equals(Disclosure.SUPPRESSED) || post.meanChange().equals(Disclosure.SUPPRESSED)) {
      return Disclosure.SUPPRESSED;
    }
    return "withheld";
  }

  private Model model(DomainResult r) {
    ModelFacts m = r.model();
    Map<String, String> groups = new LinkedHashMap<>();
    m.groups().forEach((level, n) -> groups.put(level, disclosure.count(n)));
    Map<String, String[]> variances = new LinkedHashMap<>();
    m.variances().forEach(
        (level, v) -> variances.put(level, new String[] {Numbers.display(v, 3), Numbers.display(Math.sqrt(v), 3)}));
    String convergence =
        (m.converged() ? "converged" : "did not converge") + " after " + m.iterations() + " evaluations"
            + (m.boundary() ? "; boundary (singular) fit" : "");
    return new Model(
        r.formula(), r.method(), Numbers.display(m.criterion(), 2), disclosure.count(m.nObs()), groups, variances,
        convergence, m.nDropped() == 0 ? "" : disclosure.count(m.nDropped()), r.warnings());
  }

  /** The headline figures as a plain-text table for terminals. */
  public TextTable headlineTable() {
    TextTable t = new TextTable("domain", "measure", "DiD (95% CI, Satterthwaite)", "p", "n pre", "n post",
        "unadjusted");
    for (Domain d : domains) {
      t.row(d.label(), d.measureLabel(), d.figure(), d.p(), d.pre().clients(), d.post().clients(),
          d.unadjustedDifference());
    }
    return t;
  }

  /** Column names of {@link #csv()}. */
  public static final List<String> CSV_COLUMNS =
      List.of("domain", "measure", "headline", "estimate", "se", "ci_low", "ci_high", "wald_low", "wald_high", "df",
          "p", "n_pre", "n_post", "mean_change_pre", "mean_change_post", "unadjusted_diff", "note");

  /** {@code did.csv}: one row per domain, estimates with four decimals and an ASCII minus, counts as published. */
  public String csv() {
    StringBuilder sb = new StringBuilder();
    Csv.line(sb, CSV_COLUMNS);
    for (Domain d : domains) {
      List<String> cells = new ArrayList<>();
      cells.add(d.domain());
      cells.add(d.measure());
      cells.add(d.headline());
      if (d.estimate().isPresent()) {
        DidEstimate e = d.estimate().get();
        for (double x : new double[] {e.estimate(), e.se(), e.satLow(), e.satHigh(), e.waldLow(), e.waldHigh(),
            e.df()}) {
          cells.add(Numbers.plain(x, 4));
        }
        cells.add(Numbers.plain(e.p(), 6));
      } else {
        for (int i = 0; i < 8; i++) {
          cells.add("");
        }
      }
      cells.add(d.pre().clients());
      cells.add(d.post().clients());
      cells.add(machineMean(d.pre()));
      cells.add(machineMean(d.post()));
      cells.add(d.pre().means().isPresent() && d.post().means().isPresent()
          ? Numbers.plain(d.post().means().get()[2] - d.pre().means().get()[2], 4) : d.unadjustedDifference());
      cells.add(d.note());
      Csv.line(sb, cells);
    }
    return sb.toString();
  }

  /**
   * SPEC §7's {@code analyse} summary: {@code run_id} and per domain the estimate, SE, 95% CI (Satterthwaite), p
   * and each cohort's n (rounded to 5; null when suppressed) and mean first, last and change (null when withheld),
   * plus fields added for convenience ({@code label}, {@code status}, {@code withheld}, {@code df},
   * {@code wald_low}, {@code wald_high}, {@code unadjusted_diff}).
   */
  public Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("run_id", run.runId());
    List<Map<String, Object>> list = new ArrayList<>();
    for (Domain d : domains) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("domain", d.domain());
      m.put("measure", d.measure());
      m.put("label", d.label());
      DidEstimate e = d.estimate().orElse(null);
      m.put("estimate", e == null ? null : e.estimate());
      m.put("se", e == null ? null : e.se());
      m.put("ci_low", e == null ? null : e.satLow());
      m.put("ci_high", e == null ? null : e.satHigh());
      m.put("p", e == null ? null : e.p());
      m.put("df", e == null ? null : e.df());
      m.put("wald_low", e == null ? null : e.waldLow());
      m.put("wald_high", e == null ? null : e.waldHigh());
      m.put("withheld", e == null ? d.note() : null);
      Map<String, Object> cohorts = new LinkedHashMap<>();
      for (Cohort c : List.of(d.pre(), d.post())) {
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("n", c.n().orElse(null));
        double[] means = c.means().orElse(null);
        cm.put("mean_first", means == null ? null : means[0]);
        cm.put("mean_last", means == null ? null : means[1]);
        cm.put("mean_change", means == null ? null : means[2]);
        cohorts.put(c.name(), cm);
      }
      m.put("cohorts", cohorts);
      m.put("unadjusted_diff", d.pre().means().isPresent() && d.post().means().isPresent()
          ? d.post().means().get()[2] - d.pre().means().get()[2] : null);
      list.add(m);
    }
    root.put("domains", list);
    return root;
  }

  private static String machineMean(Cohort c) {
    return c.means().map(m -> Numbers.plain(m[2], 4)).orElse(c.meanChange());
  }
}
