package uk.nhs.tto.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Row;

/**
 * The sufficient statistics of a nested random-intercept model: a mergeable state (a commutative monoid, as
 * Deequ's analyser states) from which every likelihood quantity follows without touching the data again.
 *
 * <p>With z = (x, y), a lowest-level group of n rows contributes Σz and Σzzᵀ. Its Woodbury weights depend only
 * on n, so groups are folded into cells keyed by (split, parent path, n), each holding m (number of groups), ΣΣz
 * and Σ(Σz)(Σz)ᵀ; Σzzᵀ enters with weight 1 whatever n is, so it is kept per parent group only. The size of this
 * state grows with the number of parent groups and distinct group sizes, never with rows or lowest-level groups.
 * Spark builds it in one job ({@link SparkMoments}); {@link #fromRows} builds the same state from in-memory rows;
 * {@link #merge} adds two states.
 *
 * <p>Symmetric q×q matrices (q = p + 1) are stored packed: the upper triangle row by row ({@link #tri}).
 */
public final class Moments implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The split key used when a fit has no split column. */
  public static final String ALL = "";

  /** Key of one cell: split level, parent group's key values (top first), and group size n. */
  record CellKey(String split, List<String> path, long n) implements Serializable {}

  /** Key of a parent group (the owner of cells): split level and key values (top first). */
  record ParentKey(String split, List<String> path) implements Serializable {}

  /** Sums over the m lowest-level groups of one cell. */
  static final class Cell implements Serializable {
    long m;
    final double[] sumZ;
    final double[] outer;

    Cell(int q) {
      sumZ = new double[q];
      outer = new double[q * (q + 1) / 2];
    }

    void add(Cell o) {
      m += o.m;
      addInto(sumZ, o.sumZ);
      addInto(outer, o.outer);
    }
  }

  private final Design design;
  private final Nesting nesting;
  private final Map<CellKey, Cell> cells = new HashMap<>();
  /** Σzzᵀ over the rows of each parent group. */
  private final Map<ParentKey, double[]> rowSums = new HashMap<>();
  private final Map<String, Long> dropped = new TreeMap<>();
  /**
   * Per-split views of {@link #cells} and {@link #rowSums}, built on first read and dropped on every addition: a
   * subgroup run fits hundreds of splits from one state, and filtering the whole state for each would make that
   * quadratic in the number of splits. Each view is filled in the state's own iteration order, as a filter would.
   */
  private transient Map<String, Map<CellKey, Cell>> cellsBySplit;
  private transient Map<String, Map<List<String>, double[]>> rowSumsBySplit;

  Moments(Design design, Nesting nesting) {
    this.design = design;
    this.nesting = nesting;
  }

  /** Index of element (i, j) of a packed symmetric q×q matrix. */
  static int tri(int i, int j, int q) {
    if (i > j) {
      int t = i;
      i = j;
      j = t;
    }
    return i * q - i * (i - 1) / 2 + (j - i);
  }

  /**
   * Builds the state from in-memory rows: the same sums as the Spark aggregation, for small data and for
   * simulation studies that fit thousands of replicates. {@code splitColumn} may be null.
   */
  static Moments fromRows(Design design, List<Row> rows, String splitColumn) {
    Nesting nesting = new Nesting(design.formula());
    int q = design.p() + 1;
    List<String> key = nesting.lowestKey();
    int pathLength = nesting.pathKey().size();
    Map<List<String>, double[]> groups = new LinkedHashMap<>();
    Map<String, Long> dropped = new TreeMap<>();
    for (Row row : rows) {
      Function<String, Object> get = row::getAs;
      String split = splitColumn == null ? ALL : String.valueOf(row.<Object>getAs(splitColumn));
      double[] z = design.evaluate(get);
      if (z == null) {
        dropped.merge(split, 1L, Long::sum);
        continue;
      }
      List<String> k = new ArrayList<>(key.size() + 1);
      k.add(split);
      for (String c : key) {
        k.add(String.valueOf(row.<Object>getAs(c)));
      }
      // Per group: [n, Σz (q), Σzzᵀ (packed)].
      double[] acc = groups.computeIfAbsent(k, x -> new double[1 + q + q * (q + 1) / 2]);
      acc[0]++;
      for (int i = 0; i < q; i++) {
        acc[1 + i] += z[i];
        for (int j = i; j < q; j++) {
          acc[1 + q + tri(i, j, q)] += z[i] * z[j];
        }
      }
    }
    Moments out = new Moments(design, nesting);
    dropped.forEach((s, d) -> out.dropped.merge(s, d, Long::sum));
    for (Map.Entry<List<String>, double[]> e : groups.entrySet()) {
      double[] acc = e.getValue();
      List<String> k = e.getKey();
      double[] sumZ = new double[q];
      double[] rowZZ = new double[q * (q + 1) / 2];
      System.arraycopy(acc, 1, sumZ, 0, q);
      System.arraycopy(acc, 1 + q, rowZZ, 0, rowZZ.length);
      List<String> path = List.copyOf(k.subList(1, 1 + pathLength));
      out.addGroups(k.get(0), path, (long) acc[0], 1, sumZ, outer(sumZ));
      out.addRows(k.get(0), path, rowZZ);
    }
    return out;
  }

  static double[] outer(double[] v) {
    int q = v.length;
    double[] o = new double[q * (q + 1) / 2];
    for (int i = 0; i < q; i++) {
      for (int j = i; j < q; j++) {
        o[tri(i, j, q)] = v[i] * v[j];
      }
    }
    return o;
  }

  /** Adds m lowest-level groups of size n under one parent: their ΣΣz and Σ(Σz)(Σz)ᵀ. */
  synchronized void addGroups(String split, List<String> path, long n, long m, double[] sumZ, double[] outer) {
    cellsBySplit = null;
    Cell c = cells.computeIfAbsent(new CellKey(split, path, n), k -> new Cell(design.p() + 1));
    c.m += m;
    addInto(c.sumZ, sumZ);
    addInto(c.outer, outer);
  }

  /** Adds Σzzᵀ of rows of one parent group. */
  synchronized void addRows(String split, List<String> path, double[] rowZZ) {
    rowSumsBySplit = null;
    int q = design.p() + 1;
    addInto(rowSums.computeIfAbsent(new ParentKey(split, path), k -> new double[q * (q + 1) / 2]), rowZZ);
  }

  void addDropped(String split, long rows) {
    if (rows > 0) {
      dropped.merge(split, rows, Long::sum);
    }
  }

  /**
   * The sum of two states of the same design: as if both inputs had been aggregated together, provided each
   * lowest-level group (e.g. a client) lies wholly in one input — a group's rows must meet before its Σz is
   * squared, which the Spark aggregation guarantees by grouping on the group's key.
   */
  public Moments merge(Moments other) {
    if (!other.design.columnNames().equals(design.columnNames())
        || !other.design.formula().text().equals(design.formula().text())) {
      throw new IllegalArgumentException("Cannot merge moments of different designs: " + design.columnNames()
          + " and " + other.design.columnNames());
    }
    Moments out = new Moments(design, nesting);
    for (Moments m : List.of(this, other)) {
      m.cells.forEach((k, c) -> out.cells.computeIfAbsent(k, x -> new Cell(design.p() + 1)).add(c));
      m.rowSums.forEach((k, r) -> out.addRows(k.split(), k.path(), r));
      m.dropped.forEach((s, d) -> out.dropped.merge(s, d, Long::sum));
    }
    return out;
  }

  /**
   * These moments re-expressed in another design, without touching the data: within each split s the target's
   * model-matrix row is {@code columnMaps.get(s)} times this design's row (x' = A_s x; the response is unchanged),
   * and split s becomes {@code splitTo.get(s)}, so several splits may merge into one (splits not named are left
   * out). Exact whenever the target's columns are, within each split, linear in this design's columns — e.g. a
   * model with {@code time:cohort:subgroup} fitted from per-subgroup moments, since a subgroup indicator is
   * constant within a split. The target must have the same response and grouping levels.
   */
  public Moments mapped(Design target, Map<String, String> splitTo, Map<String, double[][]> columnMaps) {
    if (!target.formula().levels().equals(design.formula().levels())
        || !target.formula().response().equals(design.formula().response())) {
      throw new IllegalArgumentException("Mapped moments need the same response and grouping levels, cannot map "
          + design.formula().text() + " to " + target.formula().text());
    }
    int q = design.p() + 1;
    int q2 = target.p() + 1;
    Map<String, double[][]> full = new HashMap<>();
    splitTo.keySet().forEach(s -> {
      double[][] a = columnMaps.get(s);
      if (a == null || a.length != target.p() || a[0].length != design.p()) {
        throw new IllegalArgumentException("Split " + s + " needs a " + target.p() + " x " + design.p()
            + " column map, cannot be: " + (a == null ? "missing" : a.length + " x " + a[0].length));
      }
      // B = [[A, 0], [0, 1]] maps z = (x, y) to z' = (Ax, y).
      double[][] b = new double[q2][q];
      for (int i = 0; i < target.p(); i++) {
        System.arraycopy(a[i], 0, b[i], 0, design.p());
      }
      b[q2 - 1][q - 1] = 1;
      full.put(s, b);
    });
    Moments out = new Moments(target, nesting);
    cells.forEach((k, c) -> {
      double[][] b = full.get(k.split());
      if (b == null) {
        return;
      }
      Cell mapped = new Cell(q2);
      mapped.m = c.m;
      for (int i = 0; i < q2; i++) {
        for (int j = 0; j < q; j++) {
          mapped.sumZ[i] += b[i][j] * c.sumZ[j];
        }
      }
      congruence(b, c.outer, q, mapped.outer, q2);
      out.cells.computeIfAbsent(new CellKey(splitTo.get(k.split()), k.path(), k.n()), x -> new Cell(q2)).add(mapped);
    });
    // Row cross-products are kept per parent group, not per cell: map them the same way.
    rowSums.forEach((k, r) -> {
      double[][] b = full.get(k.split());
      if (b == null) {
        return;
      }
      double[] mapped = new double[q2 * (q2 + 1) / 2];
      congruence(b, r, q, mapped, q2);
      out.addRows(splitTo.get(k.split()), k.path(), mapped);
    });
    dropped.forEach((s, d) -> {
      if (splitTo.containsKey(s)) {
        out.dropped.merge(splitTo.get(s), d, Long::sum);
      }
    });
    return out;
  }

  /** target = B M Bᵀ for packed symmetric M (q×q) and target (q2×q2). */
  private static void congruence(double[][] b, double[] m, int q, double[] target, int q2) {
    double[][] bm = new double[q2][q];
    for (int i = 0; i < q2; i++) {
      for (int k = 0; k < q; k++) {
        if (b[i][k] == 0) {
          continue;
        }
        for (int j = 0; j < q; j++) {
          bm[i][j] += b[i][k] * m[tri(k, j, q)];
        }
      }
    }
    for (int i = 0; i < q2; i++) {
      for (int j = i; j < q2; j++) {
        double v = 0;
        for (int k = 0; k < q; k++) {
          v += bm[i][k] * b[j][k];
        }
        target[tri(i, j, q2)] = v;
      }
    }
  }

  public Design design() {
    return design;
  }

  Nesting nesting() {
    return nesting;
  }

  /** The split levels present (only {@link #ALL} without a split column), in string order. */
  public Set<String> splits() {
    Set<String> s = new TreeSet<>(dropped.keySet());
    cells.keySet().forEach(k -> s.add(k.split()));
    return s;
  }

  /** Rows dropped for a missing value, in one split. */
  public long dropped(String split) {
    return dropped.getOrDefault(split, 0L);
  }

  /** Cells of one split (a read-only view). */
  synchronized Map<CellKey, Cell> cells(String split) {
    if (cellsBySplit == null) {
      cellsBySplit = new HashMap<>();
      cells.forEach((k, c) -> cellsBySplit.computeIfAbsent(k.split(), x -> new HashMap<>()).put(k, c));
    }
    return Collections.unmodifiableMap(cellsBySplit.getOrDefault(split, Map.of()));
  }

  /** Σzzᵀ per parent group of one split (a read-only view). */
  synchronized Map<List<String>, double[]> rowSums(String split) {
    if (rowSumsBySplit == null) {
      rowSumsBySplit = new HashMap<>();
      rowSums.forEach((k, r) -> rowSumsBySplit.computeIfAbsent(k.split(), x -> new HashMap<>()).put(k.path(), r));
    }
    return Collections.unmodifiableMap(rowSumsBySplit.getOrDefault(split, Map.of()));
  }

  /** Number of cells: the size of the state the driver holds. */
  public int size() {
    return cells.size();
  }

  /** Adds {@code source} into {@code target}, element by element. */
  static void addInto(double[] target, double[] source) {
    for (int i = 0; i < target.length; i++) {
      target[i] += source[i];
    }
  }
}
