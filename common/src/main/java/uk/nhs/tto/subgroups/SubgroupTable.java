package uk.nhs.tto.subgroups;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.analysis.DidEstimate;
import uk.nhs.tto.lake.Lake;

/**
 * The {@code results.subgroups} table: one row per run × measure × dimension × level with the level's
 * difference-in-differences, its cohorts, and the dimension's interaction test (the same on every level of the
 * dimension; for {@code service}, the service-variation test) with Holm and Benjamini–Hochberg p-values. Each
 * measure's national model is there too (dimension {@code all}, level {@code all}, no test). Raw figures: inside
 * the disclosure boundary.
 */
public final class SubgroupTable {

  public static final String NAME = "results.subgroups";

  private static final String[] ESTIMATE = {"estimate", "se", "wald_low", "wald_high", "sat_low", "sat_high", "df",
    "t", "p"};

  private static final String[] COHORT = {"mean_first", "mean_last", "mean_change", "sd_change"};

  private static final String[] TEST = {"test_statistic", "test_p", "test_p_holm", "test_p_bh"};

  public static final StructType SCHEMA = schema();

  private SubgroupTable() {}

  /** What one run wrote: its levels and its tests. */
  public record Contents(List<LevelEstimate> levels, List<InteractionTest> tests) {}

  /** The rows of one run's result. */
  public static List<Row> rows(String runId, SubgroupResult result) {
    Map<String, InteractionTest> tests = new LinkedHashMap<>();
    result.tests().forEach(t -> tests.put(t.measure() + "|" + t.dimension().id(), t));
    List<Row> out = new ArrayList<>();
    for (LevelEstimate l : result.levels()) {
      List<Object> v = new ArrayList<>();
      v.add(runId);
      v.add(l.domain());
      v.add(l.measure());
      v.add(l.dimension().id());
      v.add(l.level());
      v.add(l.status());
      DidEstimate e = l.did();
      double[] est = e == null ? null : new double[] {e.estimate(), e.se(), e.waldLow(), e.waldHigh(), e.satLow(),
        e.satHigh(), e.df(), e.t(), e.p()};
      for (int i = 0; i < ESTIMATE.length; i++) {
        v.add(est == null ? null : finite(est[i]));
      }
      v.add(l.nObs());
      v.add(l.converged());
      v.add(l.boundary());
      for (CohortSummary c : List.of(l.cohorts().pre(), l.cohorts().post())) {
        v.add(c.clients());
        v.add(c.meanFirst());
        v.add(c.meanLast());
        v.add(c.meanChange());
        v.add(c.sdChange());
      }
      v.add(l.cohorts().unadjustedDifference());
      InteractionTest t = tests.get(l.measure() + "|" + l.dimension().id());
      v.add(t == null ? null : t.method());
      v.add(t == null ? null : finite(t.statistic()));
      v.add(t == null ? null : t.df());
      v.add(t == null ? null : finite(t.p()));
      v.add(t == null ? null : finite(t.pHolm()));
      v.add(t == null ? null : finite(t.pBh()));
      v.add(t == null ? null : t.levels());
      v.add(t == null ? null : t.warnings());
      v.add(l.warnings());
      out.add(RowFactory.create(v.toArray()));
    }
    return out;
  }

  /**
   * Writes one run's rows in one Delta commit (no partial results are ever visible), replacing any the run had, so
   * re-running the subgroup analyses of a run leaves one set.
   */
  public static void write(Lake lake, String runId, SubgroupResult result) {
    lake.replaceWhere(NAME, runCondition(runId), lake.spark().createDataFrame(rows(runId, result), SCHEMA));
  }

  /** The SQL condition selecting one run's rows (run ids are generated: letters, digits and '-'). */
  public static String runCondition(String runId) {
    if (!runId.matches("[A-Za-z0-9_.:-]+")) {
      throw new IllegalArgumentException("Run ids are letters, digits and - _ . :, cannot be: " + runId);
    }
    return "run_id = '" + runId + "'";
  }

  /** What a run wrote, or empty lists when it wrote nothing (or the table does not exist). */
  public static Contents read(Lake lake, String runId) {
    if (!lake.exists(NAME)) {
      return new Contents(List.of(), List.of());
    }
    return fromRows(lake.read(NAME).where(col("run_id").equalTo(runId)).collectAsList());
  }

  /** Rebuilds levels and tests from rows of one run (tests once per measure × dimension). */
  public static Contents fromRows(List<Row> rows) {
    List<LevelEstimate> levels = new ArrayList<>();
    Map<String, InteractionTest> tests = new LinkedHashMap<>();
    for (Row r : rows) {
      String domain = r.getString(r.fieldIndex("domain"));
      String measure = r.getString(r.fieldIndex("measure"));
      Dimension d = Dimension.fromId(r.getString(r.fieldIndex("dimension")));
      DidEstimate did = null;
      if (!r.isNullAt(r.fieldIndex("estimate"))) {
        double[] e = new double[ESTIMATE.length];
        for (int i = 0; i < e.length; i++) {
          e[i] = orNaN(r, ESTIMATE[i]);
        }
        did = new DidEstimate(e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8]);
      }
      levels.add(new LevelEstimate(domain, measure, d, r.getString(r.fieldIndex("level")),
          new LevelCohorts(cohort(r, "pre"), cohort(r, "post")), did, r.getLong(r.fieldIndex("n_obs")),
          r.getBoolean(r.fieldIndex("converged")), r.getBoolean(r.fieldIndex("boundary")),
          r.getList(r.fieldIndex("warnings"))));
      if (!r.isNullAt(r.fieldIndex("test_method"))) {
        tests.putIfAbsent(measure + "|" + d.id(), new InteractionTest(domain, measure, d,
            r.getString(r.fieldIndex("test_method")), orNaN(r, TEST[0]), r.getInt(r.fieldIndex("test_df")),
            orNaN(r, TEST[1]), orNaN(r, TEST[2]), orNaN(r, TEST[3]), r.getInt(r.fieldIndex("test_levels")),
            r.getList(r.fieldIndex("test_warnings"))));
      }
    }
    List<LevelEstimate> sortedLevels = new ArrayList<>(levels);
    sortedLevels.sort(SubgroupAnalysis.LEVEL_ORDER);
    List<InteractionTest> sortedTests = new ArrayList<>(tests.values());
    sortedTests.sort(SubgroupAnalysis.TEST_ORDER);
    return new Contents(sortedLevels, sortedTests);
  }

  private static CohortSummary cohort(Row r, String which) {
    Double[] d = new Double[COHORT.length];
    for (int i = 0; i < d.length; i++) {
      int at = r.fieldIndex(COHORT[i] + "_" + which);
      d[i] = r.isNullAt(at) ? null : r.getDouble(at);
    }
    return new CohortSummary(r.getLong(r.fieldIndex("n_" + which)), d[0], d[1], d[2], d[3]);
  }

  private static double orNaN(Row r, String column) {
    int at = r.fieldIndex(column);
    return r.isNullAt(at) ? Double.NaN : r.getDouble(at);
  }

  /** NaN and infinities are stored as null (Delta keeps them, but SQL users should not meet them). */
  private static Double finite(double d) {
    return Double.isFinite(d) ? d : null;
  }

  private static StructType schema() {
    List<StructField> f = new ArrayList<>();
    for (String s : List.of("run_id", "domain", "measure", "dimension", "level", "status")) {
      f.add(field(s, DataTypes.StringType, false));
    }
    for (String s : ESTIMATE) {
      f.add(field(s, DataTypes.DoubleType, true));
    }
    f.add(field("n_obs", DataTypes.LongType, false));
    f.add(field("converged", DataTypes.BooleanType, false));
    f.add(field("boundary", DataTypes.BooleanType, false));
    for (String which : List.of("pre", "post")) {
      f.add(field("n_" + which, DataTypes.LongType, false));
      for (String s : COHORT) {
        f.add(field(s + "_" + which, DataTypes.DoubleType, true));
      }
    }
    f.add(field("unadjusted_diff", DataTypes.DoubleType, true));
    f.add(field("test_method", DataTypes.StringType, true));
    f.add(field("test_statistic", DataTypes.DoubleType, true));
    f.add(field("test_df", DataTypes.IntegerType, true));
    for (String s : List.of("test_p", "test_p_holm", "test_p_bh")) {
      f.add(field(s, DataTypes.DoubleType, true));
    }
    f.add(field("test_levels", DataTypes.IntegerType, true));
    f.add(field("test_warnings", DataTypes.createArrayType(DataTypes.StringType, false), true));
    f.add(field("warnings", DataTypes.createArrayType(DataTypes.StringType, false), false));
    return DataTypes.createStructType(f);
  }

  private static StructField field(String name, DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }
}
