package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.stats.formula.Formula;

/**
 * The change-score form of did40 (expected.json "notes"): change = score(time 1) − score(time 0) per client,
 * {@code change ~ cohort + (1|service_id)} by REML puts the service variance on the boundary; lme4 gives cohort
 * −2.502817523 (SE 0.1023958695). A boundary fit is a result, reported as such, not an error.
 */
class BoundaryFitTest {

  @Test
  void changeScoreModelReportsServiceVarianceAtZeroAndMatchesLme4() {
    LmmFit fit = MixedModel.fit(changeScores(), Formula.parse("change ~ cohort + (1|service_id)"), FitOptions.reml());

    assertThat(fit.fixed("cohort").estimate()).isCloseTo(-2.502817523, within(1e-6 * 2.502817523));
    assertThat(fit.fixed("cohort").se()).isCloseTo(0.1023958695, within(1e-4 * 0.1023958695));
    // lme4 lands on the same near-zero interior point (service SD 0.019 against residual SD 5.6).
    assertThat(fit.random().get(0).sd()).isLessThan(0.01 * fit.residualSd());
    assertThat(fit.boundaryGroups()).containsExactly("service_id");
    assertThat(fit.boundary()).isTrue();
    assertThat(fit.warnings()).anyMatch(w -> w.startsWith("boundary (singular) fit") && w.contains("service_id"));
    assertThat(fit.converged()).isTrue();
    assertThat(fit.nObs()).isEqualTo(12_058);
  }

  /** One row per did40 client: its time-1 score minus its time-0 score. */
  static List<Row> changeScores() {
    Map<String, double[]> byClient = new LinkedHashMap<>();
    Map<String, int[]> keys = new LinkedHashMap<>();
    for (Row r : ReferenceData.rows("did40.csv")) {
      String k = r.getAs("service_id") + "/" + r.getAs("client_id");
      double[] scores = byClient.computeIfAbsent(k, x -> new double[] {Double.NaN, Double.NaN});
      scores[r.<Integer>getAs("time")] = r.<Double>getAs("score");
      keys.put(k, new int[] {r.getAs("service_id"), r.getAs("cohort")});
    }
    StructType schema = new StructType()
        .add("service_id", DataTypes.IntegerType)
        .add("cohort", DataTypes.IntegerType)
        .add("change", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    byClient.forEach((k, s) -> rows.add(new GenericRowWithSchema(
        new Object[] {keys.get(k)[0], keys.get(k)[1], s[1] - s[0]}, schema)));
    return rows;
  }
}
