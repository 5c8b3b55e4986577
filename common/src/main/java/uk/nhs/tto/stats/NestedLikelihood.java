package uk.nhs.tto.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The exact (RE)ML likelihood of a nested random-intercept model, evaluated from {@link Moments} of one split.
 *
 * <p>A top-level block has covariance σ²Ṽ with Ṽ = I + Σ_k γ_k Z_k Z_kᵀ (γ_k = θ_k², θ as in lme4). Applying
 * Sherman–Morrison from the lowest level up, every group's ZᵀṼ⁻¹Z (Z = [X y]), Ṽ⁻¹-weighted sums 1ᵀṼ⁻¹Z,
 * 1ᵀṼ⁻¹1 and log|Ṽ| follow from its children's: adding a level with ratio γ to a group whose children give
 * (Q', w', s', ℓ') yields Q = Q' − γ w'w'ᵀ/(1+γs'), w = w'/(1+γs'), s = s'/(1+γs'), ℓ = ℓ' + log(1+γs'). For a
 * lowest-level group of n rows the children are rows (Q' = Σzzᵀ, w' = Σz, s' = n), so its weights depend only on n
 * and whole cells of equal-sized groups are handled at once. No row and no lowest-level group is visited.
 *
 * <p>Q enters its parent linearly, so only the root's is ever formed: it is Σzzᵀ over all rows, less Σ γ₀/(1+nγ₀)
 * times each cell's Σ(Σz)(Σz)ᵀ — θ-free sums per distinct group size n, added up once when the likelihood is built —
 * less γ w'w'ᵀ/(1+γs') for every group of every level above. One evaluation therefore costs O(cells × q) for the
 * lowest level and O(groups × q²) for each level above it.
 */
final class NestedLikelihood {

  final int depth;
  final int p;
  final int q;
  final long nObs;
  /** Groups per level (level 0 lowest). */
  final long[] groups;
  /** Groups with a single observation, per level: kept in the fit, and reported. */
  final long[] singletons;
  final Method method;

  // Cells (lowest-level groups folded by parent and size). Per-cell and per-group vectors are stored flat (cell c's
  // Σz at [c·q, (c+1)·q)): an evaluation walks a few contiguous arrays and allocates a handful.
  private final int tri;
  private final int[] cellOwner;
  private final double[] cellN;
  private final double[] cellM;
  private final double[] cellSumZ;
  /** The distinct group sizes of the cells, and each cell's index into them. */
  private final double[] sizes;
  private final int[] cellSize;
  /** Per distinct size (packed, tri each): Σ(Σz)(Σz)ᵀ over every cell of that size. Independent of θ. */
  private final double[] sizeOuter;
  /** Σzzᵀ over all rows (packed): independent of θ. */
  private final double[] rootRowZZ;
  /** Level-1 groups (or 1, the root, with one level): the groups cells belong to. */
  private final int owners;
  /** For level l ≥ 1: index of each group's parent at level l+1 (-1: the root). */
  private final int[][] parent;
  /** For level l ≥ 1: each group's key values (top first), for labels. */
  final List<List<List<String>>> groupPaths = new ArrayList<>();

  /**
   * @param keep the design columns to use (aliased columns removed), in order
   */
  NestedLikelihood(Moments moments, String split, int[] keep, Method method) {
    this.method = method;
    Nesting nesting = moments.nesting();
    this.depth = nesting.depth();
    this.p = keep.length;
    this.q = p + 1;
    int fullQ = moments.design().p() + 1;
    int[] map = new int[q];
    System.arraycopy(keep, 0, map, 0, p);
    map[p] = fullQ - 1;

    // Cells in path order, then by size; each path's sort key is made once, not once per comparison.
    Map<List<String>, String> sortKeys = new HashMap<>();
    List<Map.Entry<Moments.CellKey, Moments.Cell>> entries = inPathOrder(moments.cells(split).entrySet(),
        e -> e.getKey().path(), e -> e.getKey().n(), sortKeys);

    // Index groups of levels 1..depth-1 by their key (a prefix of the path).
    List<Map<List<String>, Integer>> index = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      index.add(new HashMap<>());
      groupPaths.add(new ArrayList<>());
    }
    for (Map.Entry<Moments.CellKey, Moments.Cell> e : entries) {
      List<String> path = e.getKey().path();
      for (int l = 1; l < depth; l++) {
        List<String> key = List.copyOf(path.subList(0, nesting.key(l).size()));
        if (!index.get(l).containsKey(key)) {
          index.get(l).put(key, groupPaths.get(l).size());
          groupPaths.get(l).add(key);
        }
      }
    }
    parent = new int[depth][];
    for (int l = 1; l < depth; l++) {
      parent[l] = new int[groupPaths.get(l).size()];
      for (int g = 0; g < parent[l].length; g++) {
        List<String> key = groupPaths.get(l).get(g);
        parent[l][g] = l + 1 < depth ? index.get(l + 1).get(key.subList(0, nesting.key(l + 1).size())) : -1;
      }
    }

    int cells = entries.size();
    tri = q * (q + 1) / 2;
    cellOwner = new int[cells];
    cellN = new double[cells];
    cellM = new double[cells];
    cellSumZ = new double[cells * q];
    cellSize = new int[cells];
    // Distinct group sizes in order of first appearance, and per size the sum of its cells' Σ(Σz)(Σz)ᵀ.
    Map<Double, Integer> sizeIndex = new HashMap<>();
    List<double[]> outerBySize = new ArrayList<>();
    owners = depth == 1 ? 1 : groupPaths.get(1).size();
    rootRowZZ = new double[tri];
    groups = new long[depth];
    long n = 0;
    for (int c = 0; c < cells; c++) {
      Moments.CellKey k = entries.get(c).getKey();
      Moments.Cell cell = entries.get(c).getValue();
      cellOwner[c] = depth == 1 ? 0 : index.get(1).get(k.path().subList(0, nesting.key(1).size()));
      cellN[c] = k.n();
      cellM[c] = cell.m;
      cellSize[c] = sizeIndex.computeIfAbsent(cellN[c], size -> {
        outerBySize.add(new double[tri]);
        return outerBySize.size() - 1;
      });
      double[] outer = outerBySize.get(cellSize[c]);
      for (int i = 0; i < q; i++) {
        cellSumZ[c * q + i] = cell.sumZ[map[i]];
        for (int j = i; j < q; j++) {
          outer[Moments.tri(i, j, q)] += cell.outer[Moments.tri(map[i], map[j], fullQ)];
        }
      }
      n += k.n() * cell.m;
      groups[0] += cell.m;
    }
    sizes = new double[sizeIndex.size()];
    sizeIndex.forEach((size, z) -> sizes[z] = size);
    sizeOuter = new double[sizes.length * tri];
    for (int z = 0; z < sizes.length; z++) {
      System.arraycopy(outerBySize.get(z), 0, sizeOuter, z * tri, tri);
    }
    // In path order, as the cells: the sums then do not depend on the order the moments were built in (by Spark's
    // partitions or from memory), and the same moments give the same fit to the last bit.
    List<Map.Entry<List<String>, double[]>> parentRows =
        inPathOrder(moments.rowSums(split).entrySet(), Map.Entry::getKey, e -> 0L, sortKeys);
    for (Map.Entry<List<String>, double[]> e : parentRows) {
      Integer owner = depth == 1 ? Integer.valueOf(0) : index.get(1).get(e.getKey());
      if (owner == null) {
        continue; // a parent whose rows were all incomplete: no cells, nothing to add
      }
      for (int i = 0; i < q; i++) {
        for (int j = i; j < q; j++) {
          rootRowZZ[Moments.tri(i, j, q)] += e.getValue()[Moments.tri(map[i], map[j], fullQ)];
        }
      }
    }
    singletons = new long[depth];
    long[] rows = new long[owners];
    for (int c = 0; c < cells; c++) {
      rows[cellOwner[c]] += (long) (cellN[c] * cellM[c]);
      if (cellN[c] == 1) {
        singletons[0] += (long) cellM[c];
      }
    }
    for (int l = 1; l < depth; l++) {
      groups[l] = groupPaths.get(l).size();
      long[] up = new long[l + 1 < depth ? groupPaths.get(l + 1).size() : 1];
      for (int g = 0; g < rows.length; g++) {
        singletons[l] += rows[g] == 1 ? 1 : 0;
        up[Math.max(parent[l][g], 0)] += rows[g];
      }
      rows = up;
    }
    this.nObs = n;
  }

  /** {@code items} sorted by their path's values (top first), then by {@code size}. */
  private static <T> List<T> inPathOrder(Collection<T> items, Function<T, List<String>> path, ToLongFunction<T> size,
      Map<List<String>, String> sortKeys) {
    record Keyed<T>(String path, long size, T item) {}
    List<Keyed<T>> keyed = new ArrayList<>(items.size());
    for (T item : items) {
      keyed.add(new Keyed<>(sortKeys.computeIfAbsent(path.apply(item), p -> String.join("\u0000", p)),
          size.applyAsLong(item), item));
    }
    keyed.sort((a, b) -> {
      int c = a.path().compareTo(b.path());
      return c != 0 ? c : Long.compare(a.size(), b.size());
    });
    List<T> out = new ArrayList<>(keyed.size());
    keyed.forEach(k -> out.add(k.item()));
    return out;
  }

  /** Σzzᵀ over all rows of a split for the given full-design moments: the raw cross-products for rank checks. */
  static double[][] crossProducts(Moments moments, String split) {
    int fullQ = moments.design().p() + 1;
    double[][] out = new double[fullQ][fullQ];
    for (double[] rowZZ : moments.rowSums(split).values()) {
      for (int i = 0; i < fullQ; i++) {
        for (int j = 0; j < fullQ; j++) {
          out[i][j] += rowZZ[Moments.tri(i, j, fullQ)];
        }
      }
    }
    return out;
  }

  /** Everything the likelihood needs at one θ: the GLS solution and the determinants. */
  final class Evaluation {
    final double[] theta;
    /** log|Ṽ| summed over blocks. */
    final double logDetV;
    /** log|XᵀṼ⁻¹X|. */
    final double logDetA;
    /** Penalised weighted residual sum of squares (y − Xβ̂)ᵀṼ⁻¹(y − Xβ̂). */
    final double r2;
    final double[] beta;
    final CholeskyDecomposition chol;
    // Per-group states kept for BLUPs: s' and w' before each group's own level (levels ≥ 1).
    final double[][] preS;
    final double[][][] preW;

    Evaluation(double[] theta, boolean keepStates) {
      this.theta = theta.clone();
      double[] gamma = new double[depth];
      for (int l = 0; l < depth; l++) {
        gamma[l] = theta[l] * theta[l];
      }
      // The root's Q, and the state of every group of the current level, flat: w (q per group) and s.
      double[] root = rootRowZZ.clone();
      double[] w = new double[owners * q];
      double[] s = new double[owners];
      double g0 = gamma[0];
      // A cell's weights depend on it only through its group size n, and a split has few distinct sizes.
      double[] fBySize = new double[sizes.length];
      double[] logBySize = new double[sizes.length];
      for (int z = 0; z < sizes.length; z++) {
        fBySize[z] = 1.0 / (1.0 + sizes[z] * g0);
        logBySize[z] = Math.log1p(sizes[z] * g0);
        double gf = g0 * fBySize[z];
        for (int t = 0; t < tri; t++) {
          root[t] -= gf * sizeOuter[z * tri + t];
        }
      }
      // log|Ṽ| only ever reaches the root as a sum, so it is summed there directly.
      double logDetSum = addCells(fBySize, logBySize, w, s);
      preS = keepStates ? new double[depth][] : null;
      preW = keepStates ? new double[depth][][] : null;
      for (int l = 1; l < depth; l++) {
        double gl = gamma[l];
        int parents = l + 1 < depth ? groupPaths.get(l + 1).size() : 1;
        double[] pw = new double[parents * q];
        double[] ps = new double[parents];
        if (keepStates) {
          preS[l] = s.clone();
          preW[l] = new double[s.length][];
          for (int g = 0; g < s.length; g++) {
            preW[l][g] = Arrays.copyOfRange(w, g * q, (g + 1) * q);
          }
        }
        logDetSum += addLevel(gl, parent[l], w, s, root, pw, ps);
        w = pw;
        s = ps;
      }
      double[][] a = new double[p][p];
      double[] b = new double[p];
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          a[i][j] = root[Moments.tri(i, j, q)];
        }
        b[i] = root[Moments.tri(i, p, q)];
      }
      this.chol = new CholeskyDecomposition(new Array2DRowRealMatrix(a, false), 1e-12, 0.0);
      this.beta = chol.getSolver().solve(new ArrayRealVector(b, false)).toArray();
      double fit = 0;
      for (int i = 0; i < p; i++) {
        fit += b[i] * beta[i];
      }
      this.r2 = root[Moments.tri(p, p, q)] - fit;
      this.logDetV = logDetSum;
      double logDet = 0;
      RealMatrix l = chol.getL();
      for (int i = 0; i < p; i++) {
        logDet += 2 * Math.log(l.getEntry(i, i));
      }
      this.logDetA = logDet;
    }

    /** The profiled criterion: −2 REML log-likelihood (REML) or the deviance (ML), σ² and β profiled out. */
    double profiled() {
      double c = dof();
      return logDet() + c * (1 + Math.log(2 * Math.PI * r2 / c));
    }

    /** L: log|Ṽ|, plus log|XᵀṼ⁻¹X| for REML. */
    private double logDet() {
      return method == Method.REML ? logDetV + logDetA : logDetV;
    }

    /**
     * The θ-dependent parts both criteria are made of, for {@link CriterionDerivatives}: L = log|Ṽ| (+ log|XᵀṼ⁻¹X|
     * for REML), r² and (XᵀṼ⁻¹X)⁻¹ row by row; the profiled criterion is L + c(1 + log(2πr²/c)) and the deviance
     * L + r²/σ² + c·log(2πσ²), with c = {@link NestedLikelihood#dof()}.
     */
    double[] parts() {
      double[][] inverse = aInverse().getData();
      double[] out = new double[2 + p * p];
      out[0] = logDet();
      out[1] = r2;
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          out[2 + i * p + j] = inverse[i][j];
        }
      }
      return out;
    }

    /** The (RE)ML σ² at this θ. */
    double sigma2() {
      return r2 / dof();
    }

    /** −2 (RE)ML log-likelihood at this θ and a given σ (not profiled), as lmerTest's devfun_vp. */
    double deviance(double sigma) {
      double s2 = sigma * sigma;
      double dev = logDetV + r2 / s2;
      return method == Method.REML
          ? dev + logDetA + (nObs - p) * Math.log(2 * Math.PI * s2)
          : dev + nObs * Math.log(2 * Math.PI * s2);
    }

    /** (XᵀṼ⁻¹X)⁻¹: vcov(β̂) / σ². */
    RealMatrix aInverse() {
      return chol.getSolver().getInverse();
    }
  }

  /** The lowest level: each cell's weighted Σz, s and log|Ṽ| added to its owner's. */
  private double addCells(double[] fBySize, double[] logBySize, double[] w, double[] s) {
    double logDet = 0;
    for (int c = 0; c < cellN.length; c++) {
      int o = cellOwner[c];
      double f = fBySize[cellSize[c]];
      int wo = o * q;
      int cz = c * q;
      for (int i = 0; i < q; i++) {
        w[wo + i] += f * cellSumZ[cz + i];
      }
      s[o] += cellM[c] * cellN[c] * f;
      logDet += cellM[c] * logBySize[cellSize[c]];
    }
    return logDet;
  }

  /**
   * One level above the lowest (ratio {@code gl}): each group's state (w, s) folded into its parent's (pw, ps), and
   * its correction −γ w wᵀ/(1+γs) subtracted from the root's Q. Returns the level's Σ log(1 + γs).
   *
   * <p>The logarithm is the costliest step per group, so the factors 1 + γs are multiplied together and one
   * logarithm taken per {@link #LOG_BATCH} of them; the product's binary exponent is moved out (exactly) after each
   * batch so it never overflows. Each product rounds once per factor, as each term of a sum of logarithms would.
   * Factors with small γs keep log1p, since 1 + γs would lose γs's digits.
   */
  private double addLevel(double gl, int[] parentOf, double[] w, double[] s, double[] root, double[] pw,
      double[] ps) {
    double logSum = 0;
    double product = 1;
    int inProduct = 0;
    int exponent = 0;
    for (int g = 0; g < s.length; g++) {
      double f = 1.0 / (1.0 + gl * s[g]);
      int par = parentOf[g] < 0 ? 0 : parentOf[g];
      int wg = g * q;
      int t = 0;
      for (int i = 0; i < q; i++) {
        double wi = gl * f * w[wg + i];
        for (int j = i; j < q; j++, t++) {
          root[t] -= wi * w[wg + j];
        }
        pw[par * q + i] += f * w[wg + i];
      }
      ps[par] += f * s[g];
      double x = gl * s[g];
      if (x < SMALL) {
        logSum += Math.log1p(x);
      } else {
        product *= 1 + x;
        if (++inProduct == LOG_BATCH) {
          int e = Math.getExponent(product);
          product = Math.scalb(product, -e);
          exponent += e;
          inProduct = 0;
        }
      }
    }
    return logSum + Math.log(product) + exponent * LN2;
  }

  /** Below this, log(1 + x) is taken by log1p (see {@link #addLevel}). */
  private static final double SMALL = 0.25;
  /** Factors multiplied per logarithm: 8 factors of at most ~1e14 (θ ≤ 1e4, s ≤ 1e6) stay far below overflow. */
  private static final int LOG_BATCH = 8;
  private static final double LN2 = Math.log(2);

  /** The c of both criteria (see {@link Evaluation#parts()}): n − p for REML, n for ML. */
  double dof() {
    return method == Method.REML ? nObs - p : nObs;
  }

  Evaluation evaluate(double[] theta) {
    return new Evaluation(theta, false);
  }

  Evaluation evaluateWithStates(double[] theta) {
    return new Evaluation(theta, true);
  }

  /** Index of each group's parent at level l+1 (-1 for the root). */
  int parent(int level, int group) {
    return parent[level][group];
  }
}
