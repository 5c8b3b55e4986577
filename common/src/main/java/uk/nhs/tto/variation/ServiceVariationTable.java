package uk.nhs.tto.variation;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
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
import uk.nhs.tto.stats.Blup;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.subgroups.CohortSummary;
import uk.nhs.tto.subgroups.LevelCohorts;
import uk.nhs.tto.subgroups.SubgroupTable;
import uk.nhs.tto.variation.FunnelLimits.Position;

/**
 * The {@code results.service_variation} table: one row per run × service × metric. Metric {@code did} rows (one
 * per measure) hold the service's unshrunken and shrunken differences-in-differences, the national one, and its
 * random intercept in the national model; {@code recovery_rate} and {@code reliable_improvement_rate} rows hold
 * its funnel-plot point: numerator, denominator, rate, national rate, the 95% and 99.8% limits and its position.
 * Raw figures: inside the disclosure boundary.
 */
public final class ServiceVariationTable {

  public static final String NAME = "results.service_variation";

  /** The metric of DiD rows. */
  public static final String DID = "did";

  private static final String[] DID_DOUBLES = {"mean_change_pre", "mean_change_post", "estimate", "se", "low",
    "high", "df", "p", "shrunken", "shrunken_se", "shrunken_low", "shrunken_high", "deviation", "deviation_cond_sd",
    "level_effect", "level_effect_cond_sd"};

  private static final String[] RATE_DOUBLES = {"rate", "limit95_low", "limit95_high", "limit998_low",
    "limit998_high"};

  public static final StructType SCHEMA = schema();

  private ServiceVariationTable() {}

  /** What one run wrote. */
  public record Contents(List<ServiceEffect> effects, List<FunnelPoint> funnels, Map<String, Double> nationalDid) {}

  /**
   * The rows of one run.
   *
   * @param nationalDid per measure, the national model's DiD (stored beside each service's)
   */
  public static List<Row> rows(
      String runId, List<ServiceEffect> effects, List<FunnelPoint> funnels, Map<String, Double> nationalDid) {
    List<Row> out = new ArrayList<>();
    for (ServiceEffect e : effects) {
      Object[] v = base(runId, DID, e.domain(), e.measure(), e.service(), e.note());
      v[6] = e.cohorts().pre().clients();
      v[7] = e.cohorts().post().clients();
      DidEstimate u = e.unshrunken();
      ServiceDid s = e.shrunken();
      Blup b = e.level();
      Double[] d = {e.cohorts().pre().meanChange(), e.cohorts().post().meanChange(),
        u == null ? null : u.estimate(), u == null ? null : u.se(), u == null ? null : u.satLow(),
        u == null ? null : u.satHigh(), u == null ? null : u.df(), u == null ? null : u.p(),
        s == null ? null : s.estimate(), s == null ? null : s.se(), s == null ? null : s.low(),
        s == null ? null : s.high(), s == null ? null : s.deviation(), s == null ? null : s.condSd(),
        b == null ? null : b.value(), b == null ? null : b.condSd()};
      for (int i = 0; i < d.length; i++) {
        v[8 + i] = finite(d[i]);
      }
      v[8 + DID_DOUBLES.length] = nationalDid.get(e.measure());
      out.add(RowFactory.create(v));
    }
    for (FunnelPoint f : funnels) {
      Object[] v = base(runId, f.metric(), null, null, f.service(), null);
      int at = 8 + DID_DOUBLES.length;
      v[at] = f.national();
      v[at + 1] = f.numerator();
      v[at + 2] = f.denominator();
      double[] r = {f.rate(), f.low95(), f.high95(), f.low998(), f.high998()};
      for (int i = 0; i < r.length; i++) {
        v[at + 3 + i] = r[i];
      }
      v[at + 3 + r.length] = f.position().name();
      out.add(RowFactory.create(v));
    }
    return out;
  }

  private static Object[] base(String runId, String metric, String domain, String measure, String service,
      String note) {
    Object[] v = new Object[SCHEMA.fields().length];
    v[0] = runId;
    v[1] = metric;
    v[2] = domain;
    v[3] = measure;
    v[4] = service;
    v[5] = note;
    return v;
  }

  /** Writes one run's rows in one Delta commit, replacing any the run had. */
  public static void write(Lake lake, String runId, List<ServiceEffect> effects, List<FunnelPoint> funnels,
      Map<String, Double> nationalDid) {
    lake.replaceWhere(NAME, SubgroupTable.runCondition(runId),
        lake.spark().createDataFrame(rows(runId, effects, funnels, nationalDid), SCHEMA));
  }

  /** What a run wrote (empty when nothing, or no table). */
  public static Contents read(Lake lake, String runId) {
    if (!lake.exists(NAME)) {
      return new Contents(List.of(), List.of(), Map.of());
    }
    return fromRows(lake.read(NAME).where(col("run_id").equalTo(runId)).orderBy("metric", "measure", "service_id")
        .collectAsList());
  }

  public static Contents fromRows(List<Row> rows) {
    List<ServiceEffect> effects = new ArrayList<>();
    List<FunnelPoint> funnels = new ArrayList<>();
    Map<String, Double> national = new java.util.TreeMap<>();
    for (Row r : rows) {
      String metric = r.getString(1);
      String service = r.getString(4);
      if (metric.equals(DID)) {
        Double[] d = new Double[DID_DOUBLES.length];
        for (int i = 0; i < d.length; i++) {
          d[i] = r.isNullAt(8 + i) ? null : r.getDouble(8 + i);
        }
        DidEstimate u = d[2] == null ? null : new DidEstimate(d[2], d[3], d[2] - LmmFit.Z975 * d[3],
            d[2] + LmmFit.Z975 * d[3], d[4], d[5], d[6], d[2] / d[3], d[7]);
        ServiceDid s = d[8] == null ? null : new ServiceDid(service, d[8], d[9], d[10], d[11], d[12], d[13]);
        Blup b = d[14] == null ? null : new Blup(service, d[14], d[15]);
        LevelCohorts cohorts = new LevelCohorts(
            new CohortSummary(r.getLong(6), null, null, d[0], null),
            new CohortSummary(r.getLong(7), null, null, d[1], null));
        effects.add(new ServiceEffect(r.getString(2), r.getString(3), service, cohorts, u, s, b,
            r.isNullAt(5) ? null : r.getString(5)));
        int at = 8 + DID_DOUBLES.length;
        if (!r.isNullAt(at)) {
          national.put(r.getString(3), r.getDouble(at));
        }
      } else {
        int at = 8 + DID_DOUBLES.length;
        funnels.add(new FunnelPoint(metric, service, r.getLong(at + 1), r.getLong(at + 2), r.getDouble(at),
            r.getDouble(at + 4), r.getDouble(at + 5), r.getDouble(at + 6), r.getDouble(at + 7),
            Position.valueOf(r.getString(at + 8))));
      }
    }
    return new Contents(effects, funnels, national);
  }

  private static Double finite(Double d) {
    return d == null || !Double.isFinite(d) ? null : d;
  }

  private static StructType schema() {
    List<StructField> f = new ArrayList<>();
    f.add(field("run_id", DataTypes.StringType, false));
    f.add(field("metric", DataTypes.StringType, false));
    f.add(field("domain", DataTypes.StringType, true));
    f.add(field("measure", DataTypes.StringType, true));
    f.add(field("service_id", DataTypes.StringType, false));
    f.add(field("note", DataTypes.StringType, true));
    f.add(field("n_pre", DataTypes.LongType, true));
    f.add(field("n_post", DataTypes.LongType, true));
    for (String s : DID_DOUBLES) {
      f.add(field(s, DataTypes.DoubleType, true));
    }
    f.add(field("national", DataTypes.DoubleType, true));
    f.add(field("numerator", DataTypes.LongType, true));
    f.add(field("denominator", DataTypes.LongType, true));
    for (String s : RATE_DOUBLES) {
      f.add(field(s, DataTypes.DoubleType, true));
    }
    f.add(field("position", DataTypes.StringType, true));
    return DataTypes.createStructType(f);
  }

  private static StructField field(String name, DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }
}
