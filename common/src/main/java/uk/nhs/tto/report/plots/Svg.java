package uk.nhs.tto.report.plots;

import java.util.Locale;

/**
 * A small builder of inline SVG: the few shapes the report's plots draw, with coordinates written to one decimal
 * and text escaped. Plots are black, grey and white only and tell groups apart by shape, line pattern and label,
 * so they read the same printed in grey or by someone who does not see colour.
 */
public final class Svg {

  /** Dark ink for marks and text. */
  public static final String INK = "#212b32";

  /** Lighter ink for guides (axes, grid, limits). */
  public static final String GUIDE = "#768692";

  private final StringBuilder sb = new StringBuilder(8_192);

  /** Starts a drawing of the given size; {@code label} is read out by screen readers. */
  public Svg(int width, int height, String label) {
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(width)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
        .append(height).append("\" aria-label=\"").append(esc(label)).append("\" font-family=\"system-ui,Arial,"
            + "sans-serif\" font-size=\"12\">");
  }

  /** A line; {@code dash} is an SVG dash pattern or null for a solid line. */
  public Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
    sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
        + " stroke-width=\"%.1f\"%s/>", x1, y1, x2, y2, stroke, width, dashAttr(dash)));
    return this;
  }

  /** An open polyline through the points (x, y pairs). */
  public Svg polyline(double[] xy, String stroke, double width, String dash) {
    sb.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"")
        .append(String.format(Locale.ROOT, "%.1f", width)).append('"').append(dashAttr(dash)).append(" points=\"");
    for (int i = 0; i + 1 < xy.length; i += 2) {
      sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", xy[i], xy[i + 1]));
    }
    sb.append("\"/>");
    return this;
  }

  /** A marker of a given shape centred on (x, y), filled or hollow. */
  public Svg marker(Shape shape, double x, double y, double size, boolean filled) {
    String fill = filled ? INK : "#ffffff";
    double r = size / 2;
    switch (shape) {
      case SQUARE -> sb.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>",
          x - r, y - r, size, size, fill, INK));
      case CIRCLE -> sb.append(String.format(Locale.ROOT,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"/>",
          x, y, r, fill, INK));
      case DIAMOND -> polygon(new double[] {x, y - r * 1.3, x + r * 1.3, y, x, y + r * 1.3, x - r * 1.3, y}, fill);
      case TRIANGLE_UP -> polygon(new double[] {x, y - r * 1.2, x + r * 1.1, y + r * 0.8, x - r * 1.1, y + r * 0.8},
          fill);
      case TRIANGLE_DOWN -> polygon(new double[] {x, y + r * 1.2, x + r * 1.1, y - r * 0.8, x - r * 1.1,
          y - r * 0.8}, fill);
      default -> throw new IllegalStateException(shape.toString());
    }
    return this;
  }

  private void polygon(double[] xy, String fill) {
    sb.append("<polygon fill=\"").append(fill).append("\" stroke=\"").append(INK)
        .append("\" stroke-width=\"1.5\" points=\"");
    for (int i = 0; i + 1 < xy.length; i += 2) {
      sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", xy[i], xy[i + 1]));
    }
    sb.append("\"/>");
  }

  /** Text anchored at (x, y): {@code anchor} is start, middle or end. */
  public Svg text(double x, double y, String text, String anchor, boolean bold) {
    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\"%s>", x, y,
        anchor, INK, bold ? " font-weight=\"600\"" : "")).append(esc(text)).append("</text>");
    return this;
  }

  /** A filled rectangle without outline, e.g. to shade alternate rows. */
  public Svg band(double x, double y, double w, double h, String fill) {
    sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
        x, y, w, h, fill));
    return this;
  }

  /** The finished SVG element. */
  public String end() {
    return sb + "</svg>";
  }

  private static String dashAttr(String dash) {
    return dash == null ? "" : " stroke-dasharray=\"" + dash + "\"";
  }

  /** Escapes text for HTML and SVG. */
  public static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Marker shapes: a plot tells its kinds of point apart by shape (and fill), never by colour alone. */
  public enum Shape {
    SQUARE,
    CIRCLE,
    DIAMOND,
    TRIANGLE_UP,
    TRIANGLE_DOWN
  }

  /** "Nice" tick positions covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about {@code n} of them. */
  public static double[] ticks(double lo, double hi, int n) {
    double span = Math.max(hi - lo, 1e-9);
    double raw = span / Math.max(1, n);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    double first = Math.ceil(lo / step - 1e-9) * step;
    int count = (int) Math.floor((hi - first) / step + 1e-9) + 1;
    double[] out = new double[Math.max(count, 0)];
    for (int i = 0; i < out.length; i++) {
      out[i] = first + i * step;
    }
    return out;
  }
}
