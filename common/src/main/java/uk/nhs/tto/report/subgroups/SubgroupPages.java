package uk.nhs.tto.report.subgroups;

import static uk.nhs.tto.report.plots.Svg.esc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.analysis.Domains;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.disclosure.Disclosure;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.report.Csv;
import uk.nhs.tto.report.HtmlReport;
import uk.nhs.tto.report.Numbers;
import uk.nhs.tto.report.Publication;
import uk.nhs.tto.report.Report;
import uk.nhs.tto.report.TextTable;
import uk.nhs.tto.report.plots.ForestPlot;
import uk.nhs.tto.report.plots.FunnelPlot;
import uk.nhs.tto.subgroups.CohortSummary;
import uk.nhs.tto.subgroups.Dimension;
import uk.nhs.tto.subgroups.InteractionTest;
import uk.nhs.tto.subgroups.LevelEstimate;
import uk.nhs.tto.subgroups.SubgroupTable;
import uk.nhs.tto.variation.FunnelMetric;
import uk.nhs.tto.variation.FunnelPoint;
import uk.nhs.tto.variation.ServiceEffect;
import uk.nhs.tto.variation.ServiceVariationTable;

/**
 * The report pages of the subgroup analyses and service variation, written beside a run's {@code index.html}:
 * {@code subgroups.html} (a forest plot per domain of the DiD in every level of every dimension with the interaction
 * tests, and the tests' table) and {@code variation.html} (funnel plots of recovery and reliable improvement, and
 * each service's own and shrunken DiD), with {@code subgroups.csv} and {@code service_variation.csv}. Built from
 * {@code results.subgroups} and {@code results.service_variation} alone, and disclosure-controlled (SPEC §6)
 * throughout: counts under the threshold are {@code *} and others rounded; rates below national level are whole
 * percentages, suppressed when they would reveal a small count; estimates from a level or service with fewer
 * clients per cohort than the minimum are withheld with the reason; funnel points are placed at the rounded
 * denominator and the whole-percent rate.
 */
public final class SubgroupPages {

  /** A page written for a run: its file name (relative to the report folder) and title. */
  public record Page(String file, String title) {}

  private static final int DECIMALS = 2;

  private SubgroupPages() {}

  /** As {@link #writeWithReport(Lake, Publication, Settings)} for a run ({@code runId} null: the latest). */
  public static Path writeReport(Lake lake, Settings settings, String runId) {
    return writeWithReport(lake, Report.publication(lake, settings, runId), settings);
  }

  /**
   * Writes a run's whole report: the subgroup and variation pages (when the run has subgroup results), then
   * {@code index.html} and {@code did.csv} linking to them ({@link Report#write(Publication, Settings, List)}).
   * Returns the path of {@code index.html}.
   */
  public static Path writeWithReport(Lake lake, Publication pub, Settings settings) {
    Path dir = Report.directory(settings, pub.run().runId());
    List<HtmlReport.Link> links = new ArrayList<>();
    try {
      for (Page p : write(lake, pub.run().runId(), pub.disclosure(), dir)) {
        links.add(new HtmlReport.Link(p.file(), p.title()));
      }
    } catch (IOException e) {
      throw TtoException.withExitCode(TtoException.INFRASTRUCTURE, "Cannot write the subgroup pages to " + dir,
          e.toString(), "check that " + Keys.REPORTS + " names a writable folder");
    }
    return Report.write(pub, settings, links);
  }

  /**
   * Writes the pages of a run into {@code dir} (each file written whole, then moved into place) and returns them;
   * nothing is written when the run has no subgroup results.
   */
  public static List<Page> write(Lake lake, String runId, Disclosure disclosure, Path dir) throws IOException {
    SubgroupTable.Contents subgroups = SubgroupTable.read(lake, runId);
    ServiceVariationTable.Contents variation = ServiceVariationTable.read(lake, runId);
    if (subgroups.levels().isEmpty() && variation.effects().isEmpty() && variation.funnels().isEmpty()) {
      return List.of();
    }
    Files.createDirectories(dir);
    writeAtomically(dir.resolve("subgroups.html"), subgroupsHtml(runId, subgroups, disclosure));
    writeAtomically(dir.resolve("subgroups.csv"), subgroupsCsv(subgroups, disclosure));
    writeAtomically(dir.resolve("variation.html"), variationHtml(runId, variation, subgroups.tests(), disclosure));
    writeAtomically(dir.resolve("service_variation.csv"), variationCsv(variation, disclosure));
    return List.of(
        new Page("subgroups.html", "Subgroup analyses: forest plots and interaction tests"),
        new Page("variation.html", "Service variation: funnel plots and service estimates"));
  }

  /** The subgroup page of a run's results. */
  public static String subgroupsHtml(String runId, SubgroupTable.Contents c, Disclosure disclosure) {
    StringBuilder h = head("Subgroup analyses " + runId, "Subgroup analyses", runId);
    h.append("<section><p class=\"note\">For each domain, the difference in differences (post − pre) of SPEC §5's"
        + " model fitted to the courses of one subgroup at a time (95% intervals, Satterthwaite). Each dimension's"
        + " interaction test asks whether the difference in differences differs between its levels: ")
        .append(esc(methodNote(c.tests())))
        .append(". p-values are also adjusted across all ").append(tested(c.tests()))
        .append(" tests of the run by Holm's method (family-wise error) and Benjamini–Hochberg's (false discovery"
            + " rate). Subgroups are descriptive: a difference between levels is an association, not a cause.</p>"
            + "<p><a href=\"index.html\">Back to the report</a> · <a href=\"variation.html\">Service variation</a> ·"
            + " <a href=\"subgroups.csv\">subgroups.csv</a></p></section>\n");
    Map<String, List<LevelEstimate>> byMeasure = new LinkedHashMap<>();
    c.levels().forEach(l -> byMeasure.computeIfAbsent(l.measure(), m -> new ArrayList<>()).add(l));
    for (List<LevelEstimate> levels : byMeasure.values()) {
      String domain = levels.get(0).domain();
      String measure = levels.get(0).measure();
      h.append("<section><h2>").append(esc(Domains.label(domain))).append(" (")
          .append(esc(Domains.measureLabel(measure))).append(")</h2>\n");
      List<ForestPlot.Line> lines = new ArrayList<>();
      Double national = null;
      String nationalLabel = null;
      Dimension current = null;
      for (LevelEstimate l : levels) {
        if (l.dimension() == Dimension.SERVICE) {
          continue;
        }
        if (l.dimension() != current) {
          current = l.dimension();
          if (current != Dimension.ALL) {
            lines.add(ForestPlot.Line.heading(current.label(), testText(test(c.tests(), measure, current))));
          }
        }
        Shown s = shown(l, disclosure);
        String label = l.dimension() == Dimension.ALL ? "All courses (national model)" : l.level();
        lines.add(new ForestPlot.Line(label, "pre " + disclosure.count(l.cohorts().pre().clients()) + " · post "
            + disclosure.count(l.cohorts().post().clients()), s.text(), s.did().map(DidEstimate::estimate)
            .orElse(null), s.did().map(DidEstimate::satLow).orElse(null), s.did().map(DidEstimate::satHigh)
            .orElse(null), false, l.dimension() == Dimension.ALL));
        if (l.dimension() == Dimension.ALL && s.did().isPresent()) {
          national = s.did().get().estimate();
          nationalLabel = "national " + Numbers.display(national, DECIMALS);
        }
      }
      h.append("<div class=\"plot\">").append(ForestPlot.render(
          Domains.label(domain) + ": difference in differences by subgroup", lines, national, nationalLabel,
          "difference in differences, post − pre (" + Domains.measureLabel(measure)
              + " points; below 0: more improvement after the change)")).append("</div>\n");
      InteractionTest services = test(c.tests(), measure, Dimension.SERVICE);
      if (services != null) {
        h.append("<p class=\"note\">Services: ").append(esc(testText(services)))
            .append(" (see <a href=\"variation.html\">service variation</a>).</p>\n");
      }
      levelTable(h, levels, disclosure);
      h.append("</section>\n");
    }
    testsTable(h, c.tests());
    return h.append(foot(disclosure)).toString();
  }

  /** How one level's estimate is published: the estimate, or the reason it is not. */
  private record Shown(Optional<DidEstimate> did, String text) {}

  private static Shown shown(LevelEstimate l, Disclosure disclosure) {
    String label = l.dimension() == Dimension.ALL ? "all courses" : l.dimension().label() + " " + l.level();
    Optional<String> withheld =
        disclosure.withheldReason(label, l.cohorts().pre().clients(), l.cohorts().post().clients());
    if (withheld.isPresent()) {
      return new Shown(Optional.empty(), "withheld: fewer than " + disclosure.minClientsPerCohort()
          + " clients in a cohort");
    }
    if (l.did() == null) {
      return new Shown(Optional.empty(), l.status().equals("FAILED") ? "not estimated: model not fitted"
          : "not estimable");
    }
    DidEstimate e = l.did();
    return new Shown(Optional.of(e), Numbers.display(e.estimate(), DECIMALS) + " (" + Numbers.display(e.satLow(),
        DECIMALS) + " to " + Numbers.display(e.satHigh(), DECIMALS) + ")");
  }

  private static void levelTable(StringBuilder h, List<LevelEstimate> levels, Disclosure disclosure) {
    h.append("<table><tr><th>Dimension</th><th>Level</th><th class=\"num\">Clients pre</th><th class=\"num\">"
        + "Clients post</th><th class=\"num\">Mean change pre</th><th class=\"num\">Mean change post</th>"
        + "<th class=\"num\">DiD (95% CI)</th><th class=\"num\">p</th></tr>\n");
    for (LevelEstimate l : levels) {
      if (l.dimension() == Dimension.SERVICE) {
        continue;
      }
      Shown s = shown(l, disclosure);
      h.append("<tr><td>").append(esc(l.dimension().label())).append("</td><td>").append(esc(l.level()))
          .append("</td>");
      count(h, disclosure.count(l.cohorts().pre().clients()));
      count(h, disclosure.count(l.cohorts().post().clients()));
      num(h, meanChange(l.cohorts().pre(), disclosure));
      num(h, meanChange(l.cohorts().post(), disclosure));
      num(h, s.text());
      num(h, s.did().map(e -> Numbers.p(e.p())).orElse(""));
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static String meanChange(CohortSummary c, Disclosure disclosure) {
    if (disclosure.isSuppressed(c.clients())) {
      return Disclosure.SUPPRESSED;
    }
    if (c.clients() < disclosure.minClientsPerCohort() || c.meanChange() == null) {
      return "withheld";
    }
    return Numbers.display(c.meanChange(), DECIMALS);
  }

  private static void testsTable(StringBuilder h, List<InteractionTest> tests) {
    h.append("<section><h2>Interaction and variation tests</h2><table><tr><th>Domain</th><th>Dimension</th>"
        + "<th class=\"num\">Levels</th><th class=\"num\">Statistic</th><th class=\"num\">df</th>"
        + "<th class=\"num\">p</th><th class=\"num\">p (Holm)</th><th class=\"num\">p (BH)</th><th>Test</th></tr>\n");
    for (InteractionTest t : tests) {
      h.append("<tr><td>").append(esc(Domains.label(t.domain()))).append("</td><td>")
          .append(esc(t.dimension().label())).append("</td>");
      num(h, String.valueOf(t.levels()));
      if (t.tested()) {
        num(h, Numbers.display(t.statistic(), 2));
        num(h, String.valueOf(t.df()));
        num(h, Numbers.p(t.p()));
        num(h, Numbers.p(t.pHolm()));
        num(h, Numbers.p(t.pBh()));
        h.append("<td class=\"note\">").append(esc(t.method())).append("</td>");
      } else {
        h.append("<td colspan=\"5\" class=\"withheld\">not tested: ").append(esc(String.join("; ", t.warnings())))
            .append("</td><td></td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table></section>\n");
  }

  /** The service-variation page of a run's results. */
  public static String variationHtml(String runId, ServiceVariationTable.Contents v, List<InteractionTest> tests,
      Disclosure disclosure) {
    StringBuilder h = head("Service variation " + runId, "Service variation", runId);
    h.append("<section><p class=\"note\">Funnel plots compare each service's rate with the national rate over its"
        + " finished courses (SPEC §4), with exact binomial control limits at 95% and 99.8% (Spiegelhalter 2005,"
        + " no allowance for over-dispersion: about 1 service in 20 lies outside the 95% limits by chance alone)."
        + " Points are placed at the rounded denominator and the whole-percent rate; services whose rate would"
        + " reveal a count under ").append(disclosure.minCount()).append(" are not shown.</p>"
        + "<p><a href=\"index.html\">Back to the report</a> · <a href=\"subgroups.html\">Subgroup analyses</a> ·"
        + " <a href=\"service_variation.csv\">service_variation.csv</a></p></section>\n");
    for (FunnelMetric m : FunnelMetric.values()) {
      funnel(h, m, v.funnels().stream().filter(f -> f.metric().equals(m.id())).toList(), disclosure);
    }
    Map<String, List<ServiceEffect>> byMeasure = new LinkedHashMap<>();
    v.effects().forEach(e -> byMeasure.computeIfAbsent(e.measure(), x -> new ArrayList<>()).add(e));
    List<String> order = new ArrayList<>(byMeasure.keySet());
    order.sort(java.util.Comparator.comparingInt(m -> {
      int i = Domains.ORDER.indexOf(byMeasure.get(m).get(0).domain());
      return i < 0 ? Domains.ORDER.size() : i;
    }));
    for (String measure : order) {
      serviceTable(h, byMeasure.get(measure), v.nationalDid().get(measure), test(tests, measure, Dimension.SERVICE),
          disclosure);
    }
    return h.append(foot(disclosure)).toString();
  }

  private static void funnel(StringBuilder h, FunnelMetric m, List<FunnelPoint> points, Disclosure disclosure) {
    if (points.isEmpty()) {
      return;
    }
    List<FunnelPlot.Point> shown = new ArrayList<>();
    List<FunnelPoint> flagged = new ArrayList<>();
    long hidden = 0;
    double max = 0;
    for (FunnelPoint p : points) {
      if (disclosure.isRateSuppressed(p.numerator(), p.denominator())) {
        hidden++;
        continue;
      }
      double n = disclosure.safeCount(p.denominator()).orElseThrow();
      shown.add(new FunnelPlot.Point(p.service(), n, Math.round(100.0 * p.numerator() / p.denominator()),
          p.position()));
      max = Math.max(max, n);
      if (p.position().outside95()) {
        flagged.add(p);
      }
    }
    double national = points.get(0).national();
    h.append("<section><h2>").append(esc(m.label())).append(": funnel plot</h2>\n<p class=\"note\">")
        .append(esc(m.label())).append(" = ").append(esc(m.numeratorLabel())).append(" / ")
        .append(esc(m.denominatorLabel())).append("; national rate ")
        .append(esc(Numbers.display(100 * national, 1))).append("%. Services shown: ")
        .append(disclosure.count(shown.size())).append("; not shown (small counts): ")
        .append(disclosure.count(hidden)).append(".</p>\n<div class=\"plot\">")
        .append(FunnelPlot.render(m.label() + " by service", m.denominatorLabel() + " (rounded to 5)",
            m.label() + " (%)", national, shown, max)).append("</div>\n");
    h.append("<h3>Services outside the 95% limits</h3>");
    if (flagged.isEmpty()) {
      h.append("<p class=\"note\">None.</p>");
    } else {
      h.append("<table><tr><th>Service</th><th class=\"num\">").append(esc(capitalise(m.denominatorLabel())))
          .append("</th><th class=\"num\">Rate</th><th>Position</th></tr>\n");
      for (FunnelPoint p : flagged) {
        h.append("<tr><td>").append(esc(p.service())).append("</td>");
        count(h, disclosure.count(p.denominator()));
        num(h, disclosure.rate(p.numerator(), p.denominator()));
        h.append("<td>").append(esc(p.position().label())).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("</section>\n");
  }

  private static void serviceTable(StringBuilder h, List<ServiceEffect> effects, Double national,
      InteractionTest test, Disclosure disclosure) {
    ServiceEffect first = effects.get(0);
    h.append("<section><h2>").append(esc(Domains.label(first.domain()))).append(" (")
        .append(esc(Domains.measureLabel(first.measure()))).append("): each service's difference in differences"
            + "</h2>\n<p class=\"note\">Own: SPEC §5's model fitted to the service's courses alone (95% CI)."
            + " Shrunken: the service's DiD predicted by the national change-score model"
            + " <code>change ~ cohort + (1 | service/cohort)</code> (95% prediction interval), pulled towards the"
            + " national value")
        .append(national == null ? "" : " (" + esc(Numbers.display(national, DECIMALS)) + ")")
        .append(" the more, the fewer courses the service has. Level: the service's random intercept in the"
            + " national model (its scores' departure from the national level, ± conditional SD).");
    if (test != null) {
      h.append(" Do services' DiDs vary? ").append(esc(testText(test))).append('.');
    }
    h.append("</p>\n<table><tr><th>Service</th><th class=\"num\">Clients pre</th><th class=\"num\">Clients post"
        + "</th><th class=\"num\">Own DiD (95% CI)</th><th class=\"num\">Shrunken DiD (95% PI)</th>"
        + "<th class=\"num\">Level (SD)</th></tr>\n");
    for (ServiceEffect e : effects) {
      h.append("<tr><td>").append(esc(e.service())).append("</td>");
      long pre = e.cohorts().pre().clients();
      long post = e.cohorts().post().clients();
      count(h, disclosure.count(pre));
      count(h, disclosure.count(post));
      if (disclosure.withheldReason(e.service(), pre, post).isPresent()) {
        h.append("<td colspan=\"3\" class=\"withheld\">withheld: fewer than ")
            .append(disclosure.minClientsPerCohort()).append(" clients in a cohort</td>");
      } else {
        num(h, e.unshrunken() == null ? "not estimable" : interval(e.unshrunken().estimate(),
            e.unshrunken().satLow(), e.unshrunken().satHigh()));
        num(h, e.shrunken() == null ? "not estimated" : interval(e.shrunken().estimate(), e.shrunken().low(),
            e.shrunken().high()));
        num(h, e.level() == null ? "" : Numbers.display(e.level().value(), DECIMALS) + " ("
            + Numbers.display(e.level().condSd(), DECIMALS) + ")");
      }
      h.append("</tr>\n");
    }
    h.append("</table></section>\n");
  }

  /** The run's tests as a plain-text table for terminals (p-values only: no counts). */
  public static TextTable testsText(List<InteractionTest> tests) {
    TextTable t = new TextTable("domain", "dimension", "levels", "df", "p", "p (Holm)", "p (BH)");
    for (InteractionTest x : tests) {
      t.row(Domains.label(x.domain()), x.dimension().id(), x.levels(), x.tested() ? x.df() : "",
          x.tested() ? Numbers.p(x.p()) : "not tested", x.tested() ? Numbers.p(x.pHolm()) : "",
          x.tested() ? Numbers.p(x.pBh()) : "");
    }
    return t;
  }

  /** The subgroup results as CSV, disclosure-controlled as the page. */
  public static String subgroupsCsv(SubgroupTable.Contents c, Disclosure disclosure) {
    StringBuilder sb = new StringBuilder();
    Csv.line(sb, List.of("domain", "measure", "dimension", "level", "clients_pre", "clients_post", "estimate", "ci_low",
        "ci_high", "se", "p", "note", "interaction_p", "interaction_p_holm", "interaction_p_bh"));
    for (LevelEstimate l : c.levels()) {
      Shown s = shown(l, disclosure);
      InteractionTest t = test(c.tests(), l.measure(), l.dimension());
      List<String> row = new ArrayList<>(List.of(l.domain(), l.measure(), l.dimension().id(), l.level(),
          disclosure.count(l.cohorts().pre().clients()), disclosure.count(l.cohorts().post().clients())));
      if (s.did().isPresent()) {
        DidEstimate e = s.did().get();
        row.addAll(List.of(Numbers.plain(e.estimate(), 4), Numbers.plain(e.satLow(), 4),
            Numbers.plain(e.satHigh(), 4), Numbers.plain(e.se(), 4), Numbers.plain(e.p(), 6), ""));
      } else {
        row.addAll(List.of("", "", "", "", "", s.text()));
      }
      boolean tested = t != null && t.tested();
      row.add(tested ? Numbers.plain(t.p(), 6) : "");
      row.add(tested ? Numbers.plain(t.pHolm(), 6) : "");
      row.add(tested ? Numbers.plain(t.pBh(), 6) : "");
      Csv.line(sb, row);
    }
    return sb.toString();
  }

  /** Service variation as CSV, disclosure-controlled as the page. */
  public static String variationCsv(ServiceVariationTable.Contents v, Disclosure disclosure) {
    StringBuilder sb = new StringBuilder();
    Csv.line(sb, List.of("metric", "domain", "measure", "service_id", "clients_pre", "clients_post", "own_estimate",
        "own_ci_low", "own_ci_high", "shrunken_estimate", "shrunken_pi_low", "shrunken_pi_high", "level_effect",
        "level_effect_sd", "denominator", "rate", "position", "note"));
    for (ServiceEffect e : v.effects()) {
      long pre = e.cohorts().pre().clients();
      long post = e.cohorts().post().clients();
      boolean withheld = disclosure.withheldReason(e.service(), pre, post).isPresent();
      List<String> row = new ArrayList<>(List.of(ServiceVariationTable.DID, e.domain(), e.measure(), e.service(),
          disclosure.count(pre), disclosure.count(post)));
      if (withheld) {
        row.addAll(List.of("", "", "", "", "", "", "", "", "", "", "", "withheld: fewer than "
            + disclosure.minClientsPerCohort() + " clients in a cohort"));
      } else {
        DidEstimate u = e.unshrunken();
        row.addAll(u == null ? List.of("", "", "") : List.of(Numbers.plain(u.estimate(), 4),
            Numbers.plain(u.satLow(), 4), Numbers.plain(u.satHigh(), 4)));
        row.addAll(e.shrunken() == null ? List.of("", "", "") : List.of(Numbers.plain(e.shrunken().estimate(), 4),
            Numbers.plain(e.shrunken().low(), 4), Numbers.plain(e.shrunken().high(), 4)));
        row.addAll(e.level() == null ? List.of("", "") : List.of(Numbers.plain(e.level().value(), 4),
            Numbers.plain(e.level().condSd(), 4)));
        row.addAll(List.of("", "", "", e.note() == null ? "" : e.note()));
      }
      Csv.line(sb, row);
    }
    for (FunnelPoint f : v.funnels()) {
      boolean suppressed = disclosure.isRateSuppressed(f.numerator(), f.denominator());
      List<String> row = new ArrayList<>(List.of(f.metric(), "", "", f.service(), "", ""));
      row.addAll(List.of("", "", "", "", "", "", "", ""));
      row.add(disclosure.count(f.denominator()));
      row.add(disclosure.rate(f.numerator(), f.denominator()));
      row.add(suppressed ? "" : f.position().label());
      row.add(suppressed ? "rate not shown: it would reveal a small count" : "");
      Csv.line(sb, row);
    }
    return sb.toString();
  }

  private static InteractionTest test(List<InteractionTest> tests, String measure, Dimension d) {
    return tests.stream().filter(t -> t.measure().equals(measure) && t.dimension() == d).findFirst().orElse(null);
  }

  private static String testText(InteractionTest t) {
    if (t == null) {
      return "";
    }
    if (!t.tested()) {
      return "not tested (" + String.join("; ", t.warnings()) + ")";
    }
    return (t.dimension() == Dimension.SERVICE ? "variation test p = " : "interaction p = ") + Numbers.p(t.p())
        + " (Holm " + Numbers.p(t.pHolm()) + ", BH " + Numbers.p(t.pBh()) + "; " + t.df() + " df)";
  }

  private static String methodNote(List<InteractionTest> tests) {
    return tests.stream().filter(t -> t.dimension() != Dimension.SERVICE).findFirst()
        .map(t -> t.method().replaceAll(", chi-squared on \\d+ df$", "") + " (chi-squared, one df per level"
            + " beyond the first)").orElse("likelihood-ratio test");
  }

  private static long tested(List<InteractionTest> tests) {
    return tests.stream().filter(InteractionTest::tested).count();
  }

  private static String interval(double estimate, double low, double high) {
    return Numbers.display(estimate, DECIMALS) + " (" + Numbers.display(low, DECIMALS) + " to "
        + Numbers.display(high, DECIMALS) + ")";
  }

  private static StringBuilder head(String title, String heading, String runId) {
    StringBuilder h = new StringBuilder(64_000);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
        .append(esc(title)).append("</title><style>").append(HtmlReport.CSS)
        .append(".plot{overflow-x:auto}</style></head><body>\n<header><h1>NHS Talking Therapies: ")
        .append(esc(heading.toLowerCase(java.util.Locale.ROOT))).append("</h1><p>Run <code style=\"background:none;"
            + "color:#fff\">").append(esc(runId)).append("</code></p></header>\n<main>\n");
    return h;
  }

  private static String foot(Disclosure disclosure) {
    return "<p class=\"note\">Disclosure control (SPEC §6): counts under " + disclosure.minCount()
        + " are shown as * and other counts are rounded to the nearest 5; rates below national level are whole"
        + " percentages; estimates from groups with fewer than " + disclosure.minClientsPerCohort()
        + " clients in a cohort are withheld.</p>\n</main></body></html>\n";
  }

  private static void count(StringBuilder h, String value) {
    h.append("<td class=\"num count\">").append(esc(value)).append("</td>");
  }

  private static void num(StringBuilder h, String value) {
    h.append("<td class=\"num\">").append(esc(value)).append("</td>");
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
