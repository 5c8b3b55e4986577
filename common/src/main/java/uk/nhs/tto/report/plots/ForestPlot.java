package uk.nhs.tto.report.plots;

import java.util.List;
import uk.nhs.tto.report.Numbers;

/**
 * A forest plot as inline SVG: one line per estimate with its interval, grouped under headings, with the line of no
 * effect and a dashed reference line (e.g. the national estimate). Each line carries its figures as text too
 * (label, counts, estimate and interval), so the plot is readable without colour and without judging positions;
 * an estimate that may not be shown keeps its line with the reason instead of a mark.
 */
public final class ForestPlot {

  private static final int WIDTH = 1120;
  private static final int ROW = 22;
  private static final int TOP = 34;
  private static final double PLOT_LEFT = 640;
  private static final double PLOT_RIGHT = WIDTH - 24;

  /**
   * One line of the plot.
   *
   * @param heading a group heading (bold, no mark); {@code detail} then holds the group's note (e.g. a test)
   * @param detail text beside the label, e.g. published counts
   * @param value the estimate and interval as text, or the reason it is withheld
   * @param estimate the mark's position, or null for no mark
   * @param reference drawn as a diamond (e.g. the overall estimate) instead of a square
   */
  public record Line(
      String label, String detail, String value, Double estimate, Double low, Double high, boolean heading,
      boolean reference) {

    public static Line heading(String label, String detail) {
      return new Line(label, detail, "", null, null, null, true, false);
    }
  }

  private ForestPlot() {}

  /**
   * Renders the lines.
   *
   * @param referenceValue where to draw the dashed reference line (null: none)
   * @param referenceLabel its label, e.g. {@code national −2.53}
   * @param axis the horizontal axis' title
   */
  public static String render(String title, List<Line> lines, Double referenceValue, String referenceLabel,
      String axis) {
    double lo = 0;
    double hi = 0;
    for (Line l : lines) {
      if (l.estimate() != null) {
        lo = Math.min(lo, l.low());
        hi = Math.max(hi, l.high());
      }
    }
    double pad = Math.max(0.5, 0.05 * (hi - lo));
    lo -= pad;
    hi += pad;
    int height = TOP + ROW * lines.size() + 56;
    double scale = (PLOT_RIGHT - PLOT_LEFT) / (hi - lo);
    double finalLo = lo;
    java.util.function.DoubleUnaryOperator x = v -> PLOT_LEFT + (v - finalLo) * scale;
    Svg svg = new Svg(WIDTH, height, title);
    svg.text(8, 18, title, "start", true);
    svg.text(PLOT_LEFT - 12, 18, "estimate (95% CI)", "end", true);
    int bottom = TOP + ROW * lines.size();
    for (int i = 0; i < lines.size(); i++) {
      if (i % 2 == 1) {
        svg.band(0, TOP + i * ROW - 15, WIDTH, ROW, "#f4f6f7");
      }
    }
    svg.line(x.applyAsDouble(0), TOP - 12, x.applyAsDouble(0), bottom, Svg.GUIDE, 1, null);
    if (referenceValue != null) {
      double rx = x.applyAsDouble(referenceValue);
      svg.line(rx, TOP - 12, rx, bottom, Svg.INK, 1, "5 4");
      svg.text(rx, TOP - 16, referenceLabel, rx > PLOT_RIGHT - 80 ? "end" : "middle", false);
    }
    for (int i = 0; i < lines.size(); i++) {
      Line l = lines.get(i);
      double y = TOP + i * ROW;
      svg.text(l.heading() ? 8 : 24, y, l.label(), "start", l.heading());
      svg.text(l.heading() ? 250 : 270, y, l.detail(), "start", false);
      if (l.estimate() != null) {
        svg.text(PLOT_LEFT - 12, y, l.value(), "end", l.reference());
        double cy = y - 4;
        svg.line(x.applyAsDouble(l.low()), cy, x.applyAsDouble(l.high()), cy, Svg.INK, 1.6, null);
        svg.line(x.applyAsDouble(l.low()), cy - 4, x.applyAsDouble(l.low()), cy + 4, Svg.INK, 1.6, null);
        svg.line(x.applyAsDouble(l.high()), cy - 4, x.applyAsDouble(l.high()), cy + 4, Svg.INK, 1.6, null);
        svg.marker(l.reference() ? Svg.Shape.DIAMOND : Svg.Shape.SQUARE, x.applyAsDouble(l.estimate()), cy,
            l.reference() ? 10 : 8, true);
      } else if (!l.heading()) {
        svg.text(PLOT_LEFT - 12, y, l.value(), "end", false);
      }
    }
    svg.line(PLOT_LEFT, bottom + 4, PLOT_RIGHT, bottom + 4, Svg.GUIDE, 1, null);
    for (double t : Svg.ticks(lo, hi, 8)) {
      double tx = x.applyAsDouble(t);
      svg.line(tx, bottom + 4, tx, bottom + 9, Svg.GUIDE, 1, null);
      svg.text(tx, bottom + 22, Numbers.display(t, t == Math.rint(t) ? 0 : 1), "middle", false);
    }
    svg.text((PLOT_LEFT + PLOT_RIGHT) / 2, bottom + 42, axis, "middle", false);
    return svg.end();
  }
}
