package uk.nhs.tto.stats;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeLike;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Moments of long-format rows that arrive ordered by group — each lowest-level group's rows next to each other and
 * the groups in increasing key order, within runs of rows whose key ranges do not overlap (a partition is one run,
 * or a few when Spark packs several sorted files into it) — in one pass with no shuffle: each task streams its
 * partition, closes a group when the key changes (its Σz and Σzzᵀ are then complete) and adds it to its cell
 * (parent group, n) at once. Only the cells and the first and last group of each run (which may continue in another
 * run) reach the driver, which merges them. Data exported from a warehouse or a statistics package are usually in
 * this order (sorted by service, then client); {@code scripts/tto lmm} reads them this way.
 *
 * <p>The order is checked, not assumed: a lower key starts a new run, and a task whose partition holds more than
 * {@value #MAX_RUNS} runs, or a null key, stops at once and reports it; the driver then checks that the runs' key
 * ranges meet at most at their ends. Either failure returns empty, and {@link SparkMoments} then groups the rows
 * with its shuffle, so the moments are the same either way. Rows are only tried in order when the plan that
 * produces them has no shuffle (a shuffle leaves rows unordered, and running it twice would double the cost); keys
 * must be integers or strings.
 */
final class OrderedGroups {

  private static final int INT = 0;
  private static final int LONG = 1;
  private static final int STRING = 2;

  private OrderedGroups() {}

  /** The Moments of {@code data} from one streaming pass, or empty when {@code data} are not ordered by group. */
  static Optional<Moments> moments(Dataset<Row> data, Design design) {
    Nesting nesting = new Nesting(design.formula());
    List<String> lowest = nesting.lowestKey();
    int pathLength = nesting.pathKey().size();
    List<Integer> free = SparkMoments.free(design);
    // The group keys, whether the row is complete, then its values, read only when it is (fewer expressions to
    // compile and run than values guarded one by one). Planned once: for the shuffle check and for the pass.
    List<Column> select = new ArrayList<>();
    for (String key : lowest) {
      select.add(col(key));
    }
    select.add(design.sparkComplete());
    for (int j : free) {
      select.add(j == design.p() ? design.sparkResponse(functions::col) : design.sparkColumn(j, functions::col));
    }
    Dataset<Row> projected = data.select(select.toArray(new Column[0]));
    QueryExecution plan = projected.queryExecution();
    if (hasShuffle(plan.executedPlan())) {
      return Optional.empty();
    }
    int[] types = new int[lowest.size()];
    for (int i = 0; i < lowest.size(); i++) {
      types[i] = keyType(projected.schema().fields()[i].dataType());
      if (types[i] < 0) {
        return Optional.empty();
      }
    }
    Reducer reducer = new Reducer(types, pathLength, free.size());
    List<Partition> partitions = plan.toRdd().toJavaRDD().mapPartitions(reducer).collect();
    return merge(partitions, reducer).map(cells -> SparkMoments.fold(design, nesting, free, pathLength,
        rows(cells, pathLength, free.size()).iterator()));
  }

  private static boolean hasShuffle(SparkPlan plan) {
    if (plan instanceof ShuffleExchangeLike) {
      return true;
    }
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      return hasShuffle(adaptive.inputPlan());
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      if (hasShuffle(child)) {
        return true;
      }
    }
    return false;
  }

  private static int keyType(DataType type) {
    if (type.equals(DataTypes.IntegerType)) {
      return INT;
    }
    if (type.equals(DataTypes.LongType)) {
      return LONG;
    }
    return type.equals(DataTypes.StringType) ? STRING : -1;
  }

  /** One group's sums so far: its rows, complete rows n, Σz and Σzzᵀ (upper triangle) over the free columns. */
  static final class Group implements Serializable {
    private static final long serialVersionUID = 1L;
    final Object[] key;
    long rows;
    long n;
    final double[] s;
    final double[] zz;

    Group(Object[] key, int free) {
      this.key = key;
      this.s = new double[free];
      this.zz = new double[free * (free + 1) / 2];
    }

    void add(Group other) {
      rows += other.rows;
      n += other.n;
      Moments.addInto(s, other.s);
      Moments.addInto(zz, other.zz);
    }
  }

  /** A cell's sums: groups m, dropped rows, [ΣΣz_a, Σ(Σz_a)(Σz_b) …] and Σzzᵀ over its groups' rows. */
  static final class Cell implements Serializable {
    private static final long serialVersionUID = 1L;
    long m;
    long dropped;
    final double[] vc;
    final double[] vr;

    Cell(int free) {
      vc = new double[free + free * (free + 1) / 2];
      vr = new double[free * (free + 1) / 2];
    }

    void add(Group g) {
      m++;
      dropped += g.rows - g.n;
      int at = 0;
      for (int a = 0; a < g.s.length; a++) {
        vc[at++] += g.s[a];
        for (int b = a; b < g.s.length; b++) {
          vc[at++] += g.s[a] * g.s[b];
        }
      }
      Moments.addInto(vr, g.zz);
    }

    void add(Cell other) {
      m += other.m;
      dropped += other.dropped;
      Moments.addInto(vc, other.vc);
      Moments.addInto(vr, other.vr);
    }
  }

  /** What a task reports: whether its rows were in order, its runs' end groups, and the cells of the others. */
  static final class Partition implements Serializable {
    private static final long serialVersionUID = 1L;
    boolean ordered = true;
    /** The partition's runs of increasing keys, each by its first and last group. */
    final List<Run> runs = new ArrayList<>();
    final Map<List<Object>, Cell> cells = new HashMap<>();
  }

  /**
   * A run of rows in increasing key order: its first and last group (the same group when it has one: then last is
   * null), which may continue in another run; its other groups are in its partition's cells.
   */
  record Run(Group first, Group last) implements Serializable {
    Group end() {
      return last != null ? last : first;
    }
  }

  /**
   * Most runs one partition may hold before it counts as not in order. Spark packs several small files into one
   * partition (so a sorted folder of files gives a few runs per partition); rows in no order give a new run every
   * row or two and stop here at once.
   */
  static final int MAX_RUNS = 256;

  /** The task: streams a partition's rows (keys, complete flag, values) through a {@link Stream}. */
  static final class Reducer implements FlatMapFunction<Iterator<InternalRow>, Partition> {
    private static final long serialVersionUID = 1L;
    private final int[] types;
    final int pathLength;
    final int free;

    Reducer(int[] types, int pathLength, int free) {
      this.types = types.clone();
      this.pathLength = pathLength;
      this.free = free;
    }

    @Override
    public Iterator<Partition> call(Iterator<InternalRow> rows) {
      Stream stream = new Stream(types, pathLength, free);
      while (rows.hasNext()) {
        if (!stream.accept(rows.next())) {
          break;
        }
      }
      return List.of(stream.finish()).iterator();
    }
  }

  /**
   * One partition's rows in arrival order. The open group's key and sums live in reused arrays and the current
   * parent's cells in a small map by n, so a group costs no allocation; only a new parent, and each run's first
   * and last group, make objects. Small methods, so that the JIT compiles the per-row path on its own.
   */
  private static final class Stream {
    private final int[] types;
    private final int pathLength;
    private final int free;
    private final int k;
    private final Partition out = new Partition();
    private final long[] numbers;
    private final UTF8String[] strings;
    private final Group open;
    private final double[] z;
    private Map<Long, Cell> parentCells = new HashMap<>();
    private List<Object> parent;
    private boolean started;
    /** The current run's first group, once closed. */
    private Group runFirst;

    Stream(int[] types, int pathLength, int free) {
      this.types = types;
      this.pathLength = pathLength;
      this.free = free;
      this.k = types.length;
      this.numbers = new long[k];
      this.strings = new UTF8String[k];
      this.open = new Group(null, free);
      this.z = new double[free];
    }

    /** Adds a row; false when the rows turn out not to be in order (too many runs, or a null key). */
    boolean accept(InternalRow row) {
      int changed = started ? firstChange(row) : 0;
      if (changed >= 0) {
        if (changed > k) {
          out.ordered = false;
          return false;
        }
        if (started && before(row, changed)) {
          // A lower key: the run ends here (e.g. the next file of a partition) and a new one starts.
          endRun();
          if (out.runs.size() >= MAX_RUNS) {
            out.ordered = false;
            return false;
          }
        } else if (started) {
          close(changed < pathLength);
        }
        if (!read(row)) {
          out.ordered = false;
          return false;
        }
      }
      open.rows++;
      if (row.getBoolean(k)) {
        add(row);
      }
      return true;
    }

    private void add(InternalRow row) {
      open.n++;
      for (int a = 0; a < free; a++) {
        z[a] = row.getDouble(k + 1 + a);
        open.s[a] += z[a];
      }
      int at = 0;
      for (int a = 0; a < free; a++) {
        for (int b = a; b < free; b++) {
          open.zz[at++] += z[a] * z[b];
        }
      }
    }

    /** Closes the open group into the partition's first group or its parent's cell. */
    private void close(boolean newParent) {
      if (runFirst == null) {
        runFirst = copy();
      } else {
        if (parent == null) {
          parent = path();
        }
        parentCells.computeIfAbsent(open.n, c -> new Cell(free)).add(open);
      }
      if (newParent) {
        fileParent();
      }
    }

    Partition finish() {
      if (out.ordered && started) {
        endRun();
      }
      return out;
    }

    /** Ends the current run with the open group. */
    private void endRun() {
      fileParent();
      out.runs.add(runFirst == null ? new Run(copy(), null) : new Run(runFirst, copy()));
      runFirst = null;
    }

    /** Files the finished parent's cells under (its path, n). */
    private void fileParent() {
      if (parent == null) {
        return;
      }
      parentCells.forEach((n, cell) -> {
        List<Object> key = new ArrayList<>(parent);
        key.add(n);
        out.cells.computeIfAbsent(key, c -> new Cell(free)).add(cell);
      });
      parent = null;
      parentCells = new HashMap<>();
    }

    /** The first key column where the row differs from the open group's key, -1 if none, k + 1 if one is null. */
    private int firstChange(InternalRow row) {
      for (int i = 0; i < k; i++) {
        if (row.isNullAt(i)) {
          return k + 1;
        }
        boolean same = switch (types[i]) {
          case INT -> row.getInt(i) == numbers[i];
          case LONG -> row.getLong(i) == numbers[i];
          default -> row.getUTF8String(i).equals(strings[i]);
        };
        if (!same) {
          return i;
        }
      }
      return -1;
    }

    /** Whether the row's key is below the open group's, given that they first differ at column {@code i}. */
    private boolean before(InternalRow row, int i) {
      return switch (types[i]) {
        case INT -> row.getInt(i) < numbers[i];
        case LONG -> row.getLong(i) < numbers[i];
        default -> row.getUTF8String(i).compareTo(strings[i]) < 0;
      };
    }

    /** Opens a group with the row's key; false when a key column is null. */
    private boolean read(InternalRow row) {
      for (int i = 0; i < k; i++) {
        if (row.isNullAt(i)) {
          return false;
        }
        switch (types[i]) {
          case INT -> numbers[i] = row.getInt(i);
          case LONG -> numbers[i] = row.getLong(i);
          default -> strings[i] = row.getUTF8String(i).clone();
        }
      }
      open.rows = 0;
      open.n = 0;
      Arrays.fill(open.s, 0);
      Arrays.fill(open.zz, 0);
      started = true;
      return true;
    }

    private Object value(int i) {
      return types[i] == STRING ? strings[i] : (Object) numbers[i];
    }

    private List<Object> path() {
      List<Object> path = new ArrayList<>(pathLength + 1);
      for (int i = 0; i < pathLength; i++) {
        path.add(value(i));
      }
      return path;
    }

    private Group copy() {
      Object[] key = new Object[k];
      for (int i = 0; i < k; i++) {
        key[i] = value(i);
      }
      Group g = new Group(key, free);
      g.add(open);
      return g;
    }
  }

  /** The cell (parent path, n) a closed group belongs to. */
  private static Cell cellOf(Map<List<Object>, Cell> cells, Group g, int pathLength, int free) {
    List<Object> cellKey = new ArrayList<>(pathLength + 1);
    cellKey.addAll(Arrays.asList(g.key).subList(0, pathLength));
    cellKey.add(g.n);
    return cells.computeIfAbsent(cellKey, c -> new Cell(free));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareKeys(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      int c = ((Comparable) a[i]).compareTo(b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /**
   * The cells of all partitions, with the groups at partition ends merged by key first (a group may span several
   * partitions), or empty when a partition was out of order or two partitions' key ranges overlap.
   */
  private static Optional<Map<List<Object>, Cell>> merge(List<Partition> partitions, Reducer reducer) {
    List<Run> runs = new ArrayList<>();
    for (Partition p : partitions) {
      if (!p.ordered) {
        return Optional.empty();
      }
      runs.addAll(p.runs);
    }
    // Sorted by first key, each run must start at or after the previous one's last key: then a group inside a run
    // (neither its first nor its last) appears nowhere else.
    runs.sort((x, y) -> compareKeys(x.first().key, y.first().key));
    for (int i = 1; i < runs.size(); i++) {
      if (compareKeys(runs.get(i - 1).end().key, runs.get(i).first().key) > 0) {
        return Optional.empty();
      }
    }
    Map<List<Object>, Cell> cells = new LinkedHashMap<>();
    for (Partition p : partitions) {
      p.cells.forEach((key, cell) -> cells.computeIfAbsent(key, c -> new Cell(reducer.free)).add(cell));
    }
    Map<List<Object>, Group> ends = new LinkedHashMap<>();
    for (Run run : runs) {
      for (Group g : Arrays.asList(run.first(), run.last())) {
        if (g != null) {
          Group merged = ends.computeIfAbsent(List.of(g.key), c -> new Group(g.key, reducer.free));
          merged.add(g);
        }
      }
    }
    for (Group g : ends.values()) {
      cellOf(cells, g, reducer.pathLength, reducer.free).add(g);
    }
    return Optional.of(cells);
  }

  /**
   * The cells as the rows {@link SparkMoments#fold} takes — one per (parent path, n): split {@link Moments#ALL}, path
   * values as strings, n, m, dropped rows, cell sums, row sums — so both paths fold alike.
   */
  private static List<Row> rows(Map<List<Object>, Cell> cells, int pathLength, int free) {
    List<Row> out = new ArrayList<>(cells.size());
    for (Map.Entry<List<Object>, Cell> e : cells.entrySet()) {
      Object[] values = new Object[pathLength + 6];
      values[0] = Moments.ALL;
      for (int i = 0; i < pathLength; i++) {
        values[1 + i] = e.getKey().get(i).toString();
      }
      Cell cell = e.getValue();
      values[1 + pathLength] = (Long) e.getKey().get(pathLength);
      values[2 + pathLength] = cell.m;
      values[3 + pathLength] = cell.dropped;
      values[4 + pathLength] = seq(cell.vc);
      values[5 + pathLength] = seq(cell.vr);
      out.add(RowFactory.create(values));
    }
    return out;
  }

  private static scala.collection.immutable.Seq<Double> seq(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return CollectionConverters.asScala(list).toSeq();
  }
}
