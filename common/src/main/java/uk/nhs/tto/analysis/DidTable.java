package uk.nhs.tto.analysis;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.lake.Lake;

/**
 * The {@code results.did} table: one row per run × domain with the difference-in-differences, the model's
 * facts and the cohort descriptions (flattened to {@code n_pre}, {@code mean_change_post}, … so analysts can
 * query them directly). Raw figures: the table is inside the disclosure boundary.
 */
public final class DidTable {

  public static final String NAME = "results.did";

  private static final String[] ESTIMATE_COLUMNS = {
    "estimate", "se", "wald_low", "wald_high", "sat_low", "sat_high", "df", "t", "p"
  };

  private static final String[] COHORT_LONGS = {"n", "services", "therapists"};

  private static final String[] COHORT_DOUBLES = {"mean_first", "mean_last", "mean_change", "sd_change"};

  public static final StructType SCHEMA = schema();

  private DidTable() {}

  /** The rows of one run, in {@link Domains#ORDER}. */
  public static List<DomainResult> read(Lake lake, String runId) {
    List<DomainResult> out = new ArrayList<>();
    for (Row r : lake.read(NAME).where(col("run_id").equalTo(runId)).collectAsList()) {
      out.add(fromRow(r));
    }
    out.sort(Domains.BY_DOMAIN);
    return out;
  }

  public static Row toRow(DomainResult d) {
    List<Object> v = new ArrayList<>();
    v.add(d.runId());
    v.add(d.domain());
    v.add(d.measure());
    v.add(d.formula());
    v.add(d.method());
    v.add(d.status().name());
    DidEstimate e = d.did();
    double[] est =
        e == null
            ? null
            : new double[] {e.estimate(), e.se(), e.waldLow(), e.waldHigh(), e.satLow(), e.satHigh(), e.df(), e.t(),
              e.p()};
    for (int i = 0; i < ESTIMATE_COLUMNS.length; i++) {
      v.add(est == null ? null : est[i]);
    }
    ModelFacts m = d.model();
    v.add(m == null ? null : m.variances());
    v.add(m == null ? null : m.groups());
    v.add(m == null ? null : m.nObs());
    v.add(m == null ? null : m.nDropped());
    v.add(m == null ? null : m.converged());
    v.add(m == null ? null : m.boundary());
    v.add(m == null ? null : m.iterations());
    v.add(m == null ? null : m.criterion());
    for (CohortDescription c : List.of(d.pre(), d.post())) {
      v.add(c.clients());
      v.add(c.services());
      v.add(c.therapists());
      v.add(c.meanFirst());
      v.add(c.meanLast());
      v.add(c.meanChange());
      v.add(c.sdChange());
    }
    v.add(d.unadjustedDifference());
    v.add(d.warnings());
    return RowFactory.create(v.toArray());
  }

  public static DomainResult fromRow(Row r) {
    DidEstimate did = null;
    if (!r.isNullAt(r.fieldIndex("estimate"))) {
      double[] e = new double[ESTIMATE_COLUMNS.length];
      for (int i = 0; i < e.length; i++) {
        e[i] = r.getDouble(r.fieldIndex(ESTIMATE_COLUMNS[i]));
      }
      did = new DidEstimate(e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8]);
    }
    ModelFacts model = null;
    if (!r.isNullAt(r.fieldIndex("n_obs"))) {
      model =
          new ModelFacts(
              new LinkedHashMap<>(r.<String, Double>getJavaMap(r.fieldIndex("variance_components"))),
              new LinkedHashMap<>(r.<String, Long>getJavaMap(r.fieldIndex("groups"))),
              r.getLong(r.fieldIndex("n_obs")),
              r.getLong(r.fieldIndex("n_dropped")),
              r.getBoolean(r.fieldIndex("converged")),
              r.getBoolean(r.fieldIndex("boundary")),
              r.getInt(r.fieldIndex("iterations")),
              r.getDouble(r.fieldIndex("criterion")));
    }
    return new DomainResult(
        r.getString(r.fieldIndex("run_id")),
        r.getString(r.fieldIndex("domain")),
        r.getString(r.fieldIndex("measure")),
        r.getString(r.fieldIndex("formula")),
        r.getString(r.fieldIndex("method")),
        DomainResult.Status.valueOf(r.getString(r.fieldIndex("status"))),
        did,
        model,
        cohort(r, "pre"),
        cohort(r, "post"),
        r.getList(r.fieldIndex("warnings")));
  }

  private static CohortDescription cohort(Row r, String which) {
    Double[] d = new Double[COHORT_DOUBLES.length];
    for (int i = 0; i < d.length; i++) {
      int at = r.fieldIndex(COHORT_DOUBLES[i] + "_" + which);
      d[i] = r.isNullAt(at) ? null : r.getDouble(at);
    }
    return new CohortDescription(
        r.getLong(r.fieldIndex("n_" + which)),
        r.getLong(r.fieldIndex("services_" + which)),
        r.getLong(r.fieldIndex("therapists_" + which)),
        d[0],
        d[1],
        d[2],
        d[3]);
  }

  private static StructType schema() {
    List<StructField> f = new ArrayList<>();
    for (String s : List.of("run_id", "domain", "measure", "formula", "method", "status")) {
      f.add(field(s, DataTypes.StringType, false));
    }
    for (String s : ESTIMATE_COLUMNS) {
      f.add(field(s, DataTypes.DoubleType, true));
    }
    f.add(field("variance_components", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), true));
    f.add(field("groups", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), true));
    f.add(field("n_obs", DataTypes.LongType, true));
    f.add(field("n_dropped", DataTypes.LongType, true));
    f.add(field("converged", DataTypes.BooleanType, true));
    f.add(field("boundary", DataTypes.BooleanType, true));
    f.add(field("iterations", DataTypes.IntegerType, true));
    f.add(field("criterion", DataTypes.DoubleType, true));
    for (String which : List.of("pre", "post")) {
      for (String s : COHORT_LONGS) {
        f.add(field(s + "_" + which, DataTypes.LongType, false));
      }
      for (String s : COHORT_DOUBLES) {
        f.add(field(s + "_" + which, DataTypes.DoubleType, true));
      }
    }
    f.add(field("unadjusted_diff", DataTypes.DoubleType, true));
    f.add(field("warnings", DataTypes.createArrayType(DataTypes.StringType, false), false));
    return DataTypes.createStructType(f);
  }

  private static StructField field(String name, DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }
}
