package uk.nhs.tto.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.analysis.Provenance;
import uk.nhs.tto.config.Keys;

/**
 * Lays out a {@link Publication} as one self-contained HTML page: inline CSS and an inline SVG chart, no fonts,
 * scripts or images fetched from anywhere, so it opens offline and can be mailed as one file. Every figure comes
 * from the publication (already disclosure-controlled); cells holding counts carry {@code class="count"}.
 */
public final class HtmlReport {

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("d MMMM yyyy HH:mm:ss 'UTC'", Locale.UK).withZone(ZoneOffset.UTC);

  /** The stylesheet every page of a report shares (inline, so pages open offline). */
  public static final String CSS =
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#212b32;margin:0;"
          + "background:#f0f4f5;line-height:1.45}"
          + "header{background:#005eb8;color:#fff;padding:18px 32px}header h1{margin:0;font-size:1.55em}"
          + "header p{margin:4px 0 0;opacity:.9}main{max-width:1180px;margin:0 auto;padding:8px 32px 40px}"
          + "section{background:#fff;border-radius:4px;padding:14px 22px;margin:16px 0;"
          + "box-shadow:0 1px 2px rgba(0,0,0,.12)}h2{font-size:1.2em;margin:4px 0 10px;color:#003087}"
          + "h3{font-size:1.02em;margin:14px 0 6px}table{border-collapse:collapse;width:100%;font-size:.92em}"
          + "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #d8dde0;vertical-align:top}"
          + "th{background:#e8edee;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
          + ".headline{font-size:1.08em;font-weight:600}.note{color:#4c6272;font-size:.9em}"
          + ".withheld{color:#7a4d00}.warn{color:#7a4d00}.kv td:first-child{width:220px;color:#4c6272}"
          + "code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:#f0f4f5;"
          + "padding:1px 4px;border-radius:3px}.grid{display:grid;grid-template-columns:1fr 1fr;gap:0 28px}"
          + "svg text{font-family:system-ui,Arial,sans-serif;font-size:12px;fill:#212b32}";

  private HtmlReport() {}

  /** A link from the report's main page to another page of the same report. */
  public record Link(String href, String title) {}

  /** The page for a publication. */
  public static String render(Publication pub) {
    return render(pub, List.of());
  }

  /** The page for a publication, linking to further pages of the report (listed after the headline). */
  public static String render(Publication pub, List<Link> pages) {
    StringBuilder h = new StringBuilder(32_000);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Cohort evaluation ").append(esc(pub.run().runId())).append("</title><style>").append(CSS)
        .append("</style></head><body>\n");
    h.append("<header><h1>NHS Talking Therapies: cohort evaluation</h1><p>Run <code style=\"background:none;"
            + "color:#fff\">")
        .append(esc(pub.run().runId())).append("</code> &middot; ").append(WHEN.format(pub.run().startedAt()))
        .append("</p></header>\n<main>\n");
    headline(h, pub);
    if (!pages.isEmpty()) {
      h.append("<section><h2>More results</h2><ul>");
      for (Link l : pages) {
        h.append("<li><a href=\"").append(esc(l.href())).append("\">").append(esc(l.title())).append("</a></li>");
      }
      h.append("</ul></section>\n");
    }
    cohorts(h, pub);
    models(h, pub);
    quality(h, pub);
    provenance(h, pub);
    h.append("<p class=\"note\">Disclosure control (SPEC §6): counts under ").append(pub.disclosure().minCount())
        .append(" are shown as * (as is every figure derived from them) and other counts are rounded to the nearest 5;"
            + " estimates and means from cohorts of fewer than ")
        .append(pub.disclosure().minClientsPerCohort()).append(" clients are withheld.</p>\n");
    h.append("</main></body></html>\n");
    return h.toString();
  }

  private static void headline(StringBuilder h, Publication pub) {
    h.append("<section><h2>Headline: difference in differences (post − pre) by domain</h2>\n")
        .append("<p class=\"note\">The change from first to last score in courses that started after the change"
            + " (post), minus the same change before it (pre), adjusted by the mixed model below. Negative values"
            + " mean more improvement after the change. Intervals: 95%, t-based with Satterthwaite degrees of"
            + " freedom.</p>\n");
    for (Publication.Domain d : pub.domains()) {
      h.append("<p class=\"headline").append(d.estimate().isPresent() ? "" : " withheld").append("\">")
          .append(esc(d.headline())).append("</p>\n");
    }
    h.append("<table><tr><th>Domain</th><th>Measure</th><th class=\"num\">Estimate</th><th class=\"num\">95% CI"
        + "</th><th class=\"num\">SE</th><th class=\"num\">p</th><th class=\"num\">Clients pre</th>"
        + "<th class=\"num\">Clients post</th><th class=\"num\">Unadjusted difference</th></tr>\n");
    for (Publication.Domain d : pub.domains()) {
      h.append("<tr><td>").append(esc(d.label())).append("</td><td>").append(esc(d.measureLabel())).append("</td>");
      if (d.estimate().isPresent()) {
        DidEstimate e = d.estimate().get();
        num(h, Numbers.display(e.estimate(), Publication.DECIMALS));
        num(h, Numbers.display(e.satLow(), Publication.DECIMALS) + " to "
            + Numbers.display(e.satHigh(), Publication.DECIMALS));
        num(h, Numbers.display(e.se(), 3));
        num(h, d.p());
      } else {
        h.append("<td colspan=\"4\" class=\"withheld\">").append(esc(d.note())).append("</td>");
      }
      count(h, d.pre().clients());
      count(h, d.post().clients());
      num(h, d.unadjustedDifference());
      h.append("</tr>\n");
    }
    h.append("</table>\n");
    forestPlot(h, pub.domains());
    h.append("</section>\n");
  }

  /** An inline SVG forest plot of the published estimates and their intervals, with the line of no effect. */
  private static void forestPlot(StringBuilder h, List<Publication.Domain> domains) {
    List<Publication.Domain> shown = domains.stream().filter(d -> d.estimate().isPresent()).toList();
    if (shown.isEmpty()) {
      return;
    }
    double lo = 0;
    double hi = 0;
    for (Publication.Domain d : shown) {
      lo = Math.min(lo, d.estimate().get().satLow());
      hi = Math.max(hi, d.estimate().get().satHigh());
    }
    lo = Math.floor(lo - 0.5);
    hi = Math.ceil(hi + 0.5);
    int left = 190;
    int width = 520;
    int rowH = 34;
    int height = 30 + rowH * shown.size() + 30;
    double scale = width / (hi - lo);
    h.append("<svg role=\"img\" aria-label=\"Forest plot of the estimates\" width=\"").append(left + width + 40)
        .append("\" height=\"").append(height).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
    double zero = left + (0 - lo) * scale;
    h.append(String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"%d\" stroke=\"#768692\" stroke-dasharray=\"4 3\"/>", zero, zero,
        height - 26));
    for (double tick = lo; tick <= hi + 1e-9; tick += 1) {
      double x = left + (tick - lo) * scale;
      h.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#aeb7bd\"/><text x=\"%.1f\" y=\"%d\""
              + " text-anchor=\"middle\">%s</text>", x, height - 26, x, height - 21, x, height - 6,
          Numbers.display(tick, 0)));
    }
    int y = 34;
    for (Publication.Domain d : shown) {
      DidEstimate e = d.estimate().get();
      double x1 = left + (e.satLow() - lo) * scale;
      double x2 = left + (e.satHigh() - lo) * scale;
      double xe = left + (e.estimate() - lo) * scale;
      h.append(String.format(Locale.ROOT,
          "<text x=\"8\" y=\"%d\">%s</text><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#005eb8\""
              + " stroke-width=\"2\"/><rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#005eb8\"/>",
          y + 4, esc(d.label()), x1, y, x2, y, xe - 5, y - 5));
      y += rowH;
    }
    h.append("</svg>\n");
  }

  private static void cohorts(StringBuilder h, Publication pub) {
    h.append("<section><h2>Cohorts</h2><p class=\"note\">Finished courses of the configured intensity with a pair of"
        + " the domain's scores (client = course). Means are unadjusted; change = last − first.</p>\n")
        .append("<table><tr><th>Domain</th><th>Cohort</th><th class=\"num\">Clients</th><th class=\"num\">Services"
            + "</th><th class=\"num\">Therapists</th><th class=\"num\">Mean first</th><th class=\"num\">Mean last"
            + "</th><th class=\"num\">Mean change (SD)</th></tr>\n");
    for (Publication.Domain d : pub.domains()) {
      for (Publication.Cohort c : List.of(d.pre(), d.post())) {
        h.append("<tr><td>").append(esc(d.label())).append("</td><td>").append(c.name()).append("</td>");
        count(h, c.clients());
        count(h, c.services());
        count(h, c.therapists());
        num(h, c.meanFirst());
        num(h, c.meanLast());
        num(h, c.sdChange().isEmpty() || !c.means().isPresent() ? c.meanChange()
            : c.meanChange() + " (" + c.sdChange() + ")");
        h.append("</tr>\n");
      }
      h.append("<tr><td>").append(esc(d.label())).append("</td><td colspan=\"6\">unadjusted difference of mean"
          + " changes, post − pre</td>");
      num(h, d.unadjustedDifference());
      h.append("</tr>\n");
    }
    h.append("</table></section>\n");
  }

  private static void models(StringBuilder h, Publication pub) {
    h.append("<section><h2>Model details</h2><div class=\"grid\">\n");
    for (Publication.Domain d : pub.domains()) {
      h.append("<div><h3>").append(esc(d.label())).append(" (").append(esc(d.measureLabel())).append(")</h3>");
      if (d.model().isEmpty()) {
        h.append("<p class=\"withheld\">").append(esc(d.note())).append("</p></div>\n");
        continue;
      }
      Publication.Model m = d.model().get();
      h.append("<table class=\"kv\">");
      kv(h, "Formula", "<code>" + esc(m.formula()) + "</code>");
      kv(h, "Method", esc(m.method()) + (m.method().equals("REML") ? " (REML criterion " : " (deviance ")
          + esc(m.criterion()) + ")");
      h.append("<tr><td>Observations</td><td class=\"count\">").append(esc(m.observations())).append("</td></tr>");
      for (Map.Entry<String, String> g : m.groups().entrySet()) {
        h.append("<tr><td>Groups: ").append(esc(g.getKey())).append("</td><td class=\"count\">")
            .append(esc(g.getValue())).append("</td></tr>");
      }
      if (!m.dropped().isEmpty()) {
        h.append("<tr><td>Rows dropped (missing values)</td><td class=\"count\">").append(esc(m.dropped()))
            .append("</td></tr>");
      }
      kv(h, "Convergence", esc(m.convergence()));
      h.append("</table><table><tr><th>Variance component</th><th class=\"num\">Variance</th>"
          + "<th class=\"num\">SD</th></tr>");
      for (Map.Entry<String, String[]> v : m.variances().entrySet()) {
        h.append("<tr><td>").append(esc(v.getKey())).append("</td>");
        num(h, v.getValue()[0]);
        num(h, v.getValue()[1]);
        h.append("</tr>");
      }
      h.append("</table>");
      for (String w : m.warnings()) {
        h.append("<p class=\"warn\">Warning: ").append(esc(w)).append("</p>");
      }
      h.append("</div>\n");
    }
    h.append("</div></section>\n");
  }

  private static void quality(StringBuilder h, Publication pub) {
    h.append("<section><h2>Data quality</h2><p class=\"note\">Rows quarantined by ingest (structure) and derive"
        + " (validation of the winning row), by table and rule, at the table versions this run read.</p>\n");
    if (pub.quality().isEmpty()) {
      h.append("<p>No rows were quarantined.</p></section>\n");
      return;
    }
    h.append("<table><tr><th>Table</th><th>Stage</th><th>Rule</th><th class=\"num\">Rows</th></tr>\n");
    for (Publication.QualityLine q : pub.quality()) {
      h.append("<tr><td>").append(esc(q.table())).append("</td><td>").append(esc(q.stage())).append("</td><td><code>")
          .append(esc(q.rule())).append("</code></td>");
      count(h, q.rows());
      h.append("</tr>\n");
    }
    h.append("</table></section>\n");
  }

  private static void provenance(StringBuilder h, Publication pub) {
    var run = pub.run();
    h.append("<section><h2>Provenance</h2><table class=\"kv\">");
    kv(h, "Run", "<code>" + esc(run.runId()) + "</code>");
    kv(h, "Started / ended", esc(WHEN.format(run.startedAt())) + " / " + esc(WHEN.format(run.endedAt())));
    kv(h, "Inputs chosen", esc(run.asOf()));
    kv(h, "Code version", "<code>" + esc(run.codeVersion()) + "</code>");
    kv(h, "Configuration SHA-256", "<code>" + esc(run.configSha256()) + "</code>");
    Map<String, String> config = Provenance.parseConfig(run.configJson());
    for (String key : List.of(Keys.ANALYSIS_INTENSITY, Keys.ANALYSIS_COVARIATES, Keys.ANALYSIS_RANDOM,
        Keys.ANALYSIS_METHOD, Keys.DISCLOSURE_MIN_CLIENTS)) {
      kv(h, "<code>" + esc(key) + "</code>", esc(config.getOrDefault(key, "")));
    }
    if (run.generatorSeed() != null) {
      kv(h, "Synthetic data seed", String.valueOf(run.generatorSeed()));
    }
    if (run.commandLine() != null) {
      kv(h, "Command", "<code>" + esc(run.commandLine()) + "</code>");
    }
    h.append("</table><h3>Input table versions (Delta)</h3><table><tr><th>Table</th><th class=\"num\">Version</th>"
        + "</tr>");
    run.inputVersions().forEach((t, v) -> h.append("<tr><td>").append(esc(t)).append("</td><td class=\"num\">")
        .append(v).append("</td></tr>"));
    h.append("</table></section>\n");
  }

  private static void kv(StringBuilder h, String key, String valueHtml) {
    h.append("<tr><td>").append(key).append("</td><td>").append(valueHtml).append("</td></tr>");
  }

  private static void num(StringBuilder h, String text) {
    h.append("<td class=\"num\">").append(esc(text)).append("</td>");
  }

  private static void count(StringBuilder h, String text) {
    h.append("<td class=\"num count\">").append(esc(text)).append("</td>");
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
