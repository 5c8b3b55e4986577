package uk.nhs.tto.report.plots;

import java.util.ArrayList;
import java.util.List;
import uk.nhs.tto.report.Numbers;
import uk.nhs.tto.variation.FunnelLimits;
import uk.nhs.tto.variation.FunnelLimits.Position;

/**
 * A funnel plot as inline SVG: services' rates against their denominators, the national rate, and the 95% (dashed)
 * and 99.8% (dotted) control limits ({@link FunnelLimits}). A service's position is shown by its marker's shape —
 * circle within the limits, triangle pointing up above or down below, hollow beyond 95% and filled beyond 99.8% —
 * and services outside the 95% limits are labelled, so nothing depends on colour.
 */
public final class FunnelPlot {

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 560;
  private static final double LEFT = 70;
  private static final double RIGHT = WIDTH - 190;
  private static final double TOP = 40;
  private static final double BOTTOM = HEIGHT - 60;

  /** A published point: the (disclosure-rounded) denominator, the rate in percent, its label and position. */
  public record Point(String label, double denominator, double percent, Position position) {}

  private FunnelPlot() {}

  /**
   * Renders the plot.
   *
   * @param national the national rate (a proportion), around which the limits are drawn
   * @param maxDenominator the x-axis extent (at least the largest point)
   */
  public static String render(String title, String xAxis, String yAxis, double national, List<Point> points,
      double maxDenominator) {
    FunnelLimits limits = new FunnelLimits(national);
    double xMax = niceMax(Math.max(maxDenominator, 10));
    List<double[]> curves = new ArrayList<>();
    for (double p : new double[] {FunnelLimits.P998_LOW, FunnelLimits.P95_LOW, FunnelLimits.P95_HIGH,
        FunnelLimits.P998_HIGH}) {
      List<Double> xy = new ArrayList<>();
      for (long n = Math.max(1, (long) (xMax / 400)); n <= xMax; n += Math.max(1, (long) (xMax / 400))) {
        xy.add((double) n);
        xy.add(100 * limits.limit(n, p));
      }
      curves.add(xy.stream().mapToDouble(Double::doubleValue).toArray());
    }
    double yLo = 100;
    double yHi = 0;
    for (Point pt : points) {
      yLo = Math.min(yLo, pt.percent());
      yHi = Math.max(yHi, pt.percent());
    }
    // Show the funnel's mouth down to about 20 cases and every point.
    double mouth = Math.min(20, xMax);
    yLo = Math.max(0, Math.min(yLo, 100 * limits.limit((long) mouth, FunnelLimits.P998_LOW)) - 2);
    yHi = Math.min(100, Math.max(yHi, 100 * limits.limit((long) mouth, FunnelLimits.P998_HIGH)) + 2);
    double finalYLo = yLo;
    double finalYHi = yHi;
    java.util.function.DoubleUnaryOperator px = v -> LEFT + v / xMax * (RIGHT - LEFT);
    java.util.function.DoubleUnaryOperator py = v -> BOTTOM - (v - finalYLo) / (finalYHi - finalYLo) * (BOTTOM - TOP);

    Svg svg = new Svg(WIDTH, HEIGHT, title);
    svg.text(LEFT, 22, title, "start", true);
    svg.line(LEFT, BOTTOM, RIGHT, BOTTOM, Svg.GUIDE, 1, null).line(LEFT, TOP, LEFT, BOTTOM, Svg.GUIDE, 1, null);
    for (double t : Svg.ticks(0, xMax, 8)) {
      svg.line(px.applyAsDouble(t), BOTTOM, px.applyAsDouble(t), BOTTOM + 5, Svg.GUIDE, 1, null)
          .text(px.applyAsDouble(t), BOTTOM + 19, String.format(java.util.Locale.ROOT, "%,d", (long) t), "middle",
              false);
    }
    for (double t : Svg.ticks(yLo, yHi, 8)) {
      svg.line(LEFT - 5, py.applyAsDouble(t), LEFT, py.applyAsDouble(t), Svg.GUIDE, 1, null)
          .text(LEFT - 8, py.applyAsDouble(t) + 4, Numbers.display(t, 0) + "%", "end", false);
    }
    svg.text((LEFT + RIGHT) / 2, HEIGHT - 18, xAxis, "middle", false);
    svg.text(LEFT - 58, TOP - 12, yAxis, "start", false);
    String[] dash = {"2 3", "7 4", "7 4", "2 3"};
    for (int c = 0; c < curves.size(); c++) {
      double[] xy = curves.get(c);
      List<Double> screen = new ArrayList<>();
      for (int i = 0; i + 1 < xy.length; i += 2) {
        if (xy[i + 1] >= yLo && xy[i + 1] <= yHi) {
          screen.add(px.applyAsDouble(xy[i]));
          screen.add(py.applyAsDouble(xy[i + 1]));
        }
      }
      svg.polyline(screen.stream().mapToDouble(Double::doubleValue).toArray(), Svg.INK, 1.2, dash[c]);
    }
    svg.line(LEFT, py.applyAsDouble(100 * national), RIGHT, py.applyAsDouble(100 * national), Svg.INK, 1.4, null);
    for (Point pt : points) {
      double x = px.applyAsDouble(pt.denominator());
      double y = py.applyAsDouble(pt.percent());
      Svg.Shape shape = switch (pt.position()) {
        case ABOVE_95, ABOVE_998 -> Svg.Shape.TRIANGLE_UP;
        case BELOW_95, BELOW_998 -> Svg.Shape.TRIANGLE_DOWN;
        default -> Svg.Shape.CIRCLE;
      };
      svg.marker(shape, x, y, pt.position() == Position.WITHIN ? 7 : 10, pt.position().outside998());
      if (pt.position().outside95()) {
        svg.text(x + 8, y - 6, pt.label(), "start", false);
      }
    }
    legend(svg, national);
    return svg.end();
  }

  private static void legend(Svg svg, double national) {
    double x = RIGHT + 20;
    double y = TOP + 10;
    svg.line(x, y, x + 30, y, Svg.INK, 1.4, null).text(x + 36, y + 4, "national " + Numbers.display(100 * national,
        1) + "%", "start", false);
    svg.line(x, y + 22, x + 30, y + 22, Svg.INK, 1.2, "7 4").text(x + 36, y + 26, "95% limits", "start", false);
    svg.line(x, y + 44, x + 30, y + 44, Svg.INK, 1.2, "2 3").text(x + 36, y + 48, "99.8% limits", "start", false);
    svg.marker(Svg.Shape.CIRCLE, x + 15, y + 70, 7, false).text(x + 36, y + 74, "within limits", "start", false);
    svg.marker(Svg.Shape.TRIANGLE_UP, x + 15, y + 92, 10, false).text(x + 36, y + 96, "above 95%", "start", false);
    svg.marker(Svg.Shape.TRIANGLE_UP, x + 15, y + 114, 10, true).text(x + 36, y + 118, "above 99.8%", "start", false);
    svg.marker(Svg.Shape.TRIANGLE_DOWN, x + 15, y + 136, 10, false).text(x + 36, y + 140, "below 95%", "start",
        false);
    svg.marker(Svg.Shape.TRIANGLE_DOWN, x + 15, y + 158, 10, true).text(x + 36, y + 162, "below 99.8%", "start",
        false);
  }

  private static double niceMax(double v) {
    double[] t = Svg.ticks(0, v * 1.05, 6);
    double step = t.length > 1 ? t[1] - t[0] : v;
    return Math.ceil(v * 1.05 / step) * step;
  }
}
