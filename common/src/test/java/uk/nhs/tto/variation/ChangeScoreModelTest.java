package uk.nhs.tto.variation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.ReferenceData;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.variation.ChangeScoreModel.ServiceSums;

/**
 * Service DiD BLUPs of the change-score model: checked against Henderson's mixed-model equations solved densely
 * (an independent computation: explicit X, Z and G, one matrix inverse), the lme4 reference for the model without
 * the service × cohort term, and the boundary mixture for the variation test.
 */
class ChangeScoreModelTest {

  private static final StructType SCHEMA = DataTypes.createStructType(List.of(
      DataTypes.createStructField("measure", DataTypes.StringType, false),
      DataTypes.createStructField("service", DataTypes.StringType, false),
      DataTypes.createStructField("cohort", DataTypes.IntegerType, false),
      DataTypes.createStructField("cohort_group", DataTypes.StringType, false),
      DataTypes.createStructField("change", DataTypes.DoubleType, false)));

  @Test
  void serviceDidBlupsAndPredictionErrorsAreHendersonsSolution() {
    // Seven services with unequal cohorts (service 7 has no post course) and services' DiDs varying with SD 1.5.
    SplittableRandom rng = new SplittableRandom(7);
    int[][] sizes = {{12, 9}, {5, 14}, {20, 18}, {3, 4}, {9, 1}, {15, 15}, {8, 0}};
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < sizes.length; s++) {
      double u = 2.0 * normal(rng);
      double v0 = 1.5 * normal(rng);
      double v1 = 1.5 * normal(rng);
      for (int c = 0; c < 2; c++) {
        for (int i = 0; i < sizes[s][c]; i++) {
          double change = -5 - 2.5 * c + u + (c == 0 ? v0 : v1) + 2 * normal(rng);
          rows.add(new GenericRowWithSchema(
              new Object[] {"PHQ9", "s" + (s + 1), c, c == 0 ? "pre" : "post", change}, SCHEMA));
        }
      }
    }
    LmmFit fit = MixedModel.fit(rows, Formula.parse(ChangeScoreModel.FORMULA), FitOptions.reml());
    assertThat(fit.boundary()).isFalse();
    Map<String, ServiceSums> sums = new LinkedHashMap<>();
    for (int s = 0; s < sizes.length; s++) {
      double[] sum = new double[2];
      for (Row r : rows) {
        if (r.getString(1).equals("s" + (s + 1))) {
          sum[r.getInt(2)] += r.getDouble(4);
        }
      }
      sums.put("s" + (s + 1), new ServiceSums(sizes[s][0], sum[0], sizes[s][1], sum[1]));
    }
    Map<String, ServiceDid> blups = new HashMap<>();
    ChangeScoreModel.blups(fit, sums).forEach(d -> blups.put(d.service(), d));

    // Henderson: unknowns (β0, β1, u_1..u_S, v_{1,pre}, v_{1,post}, …); R = σ²I, G = σ² diag(γ2…, γ1…).
    int services = sizes.length;
    int k = 2 + services + 2 * services;
    double sigma2 = fit.residualVariance();
    double g1 = fit.theta()[0] * fit.theta()[0];
    double g2 = fit.theta()[1] * fit.theta()[1];
    double[][] c = new double[k][k];
    double[] rhs = new double[k];
    for (Row r : rows) {
      int s = Integer.parseInt(r.getString(1).substring(1)) - 1;
      int cohort = r.getInt(2);
      double[] w = new double[k];
      w[0] = 1;
      w[1] = cohort;
      w[2 + s] = 1;
      w[2 + services + 2 * s + cohort] = 1;
      for (int i = 0; i < k; i++) {
        rhs[i] += w[i] * r.getDouble(4);
        for (int j = 0; j < k; j++) {
          c[i][j] += w[i] * w[j];
        }
      }
    }
    for (int s = 0; s < services; s++) {
      c[2 + s][2 + s] += 1 / g2;
      c[2 + services + 2 * s][2 + services + 2 * s] += 1 / g1;
      c[2 + services + 2 * s + 1][2 + services + 2 * s + 1] += 1 / g1;
    }
    RealMatrix inverse = new LUDecomposition(new Array2DRowRealMatrix(c)).getSolver().getInverse();
    double[] solution = inverse.operate(rhs);
    assertThat(solution[1]).as("β cohort").isCloseTo(fit.fixed("cohort").estimate(), within(1e-8));
    for (int s = 0; s < services; s++) {
      double[] l = new double[k];
      l[1] = 1;
      l[2 + services + 2 * s + 1] = 1;
      l[2 + services + 2 * s] = -1;
      double estimate = 0;
      double pev = 0;
      for (int i = 0; i < k; i++) {
        estimate += l[i] * solution[i];
        for (int j = 0; j < k; j++) {
          pev += l[i] * inverse.getEntry(i, j) * l[j] * sigma2;
        }
      }
      // Given β, the deviation's conditional variance is σ² mᵀ(ZᵀZ + σ²G⁻¹)⁻¹m over the random block only.
      int pre = 2 + services + 2 * s;
      double[][] random = new double[k - 2][k - 2];
      for (int i = 2; i < k; i++) {
        for (int j = 2; j < k; j++) {
          random[i - 2][j - 2] = c[i][j];
        }
      }
      RealMatrix randomInverse = new LUDecomposition(new Array2DRowRealMatrix(random)).getSolver().getInverse();
      double condVar = sigma2 * (randomInverse.getEntry(pre - 2, pre - 2) + randomInverse.getEntry(pre - 1, pre - 1)
          - 2 * randomInverse.getEntry(pre - 2, pre - 1));
      ServiceDid d = blups.get("s" + (s + 1));
      assertThat(d.estimate()).as("DiD of s" + (s + 1)).isCloseTo(estimate, within(1e-8));
      assertThat(d.se()).as("prediction SE of s" + (s + 1)).isCloseTo(Math.sqrt(pev), within(1e-8));
      assertThat(d.condSd()).as("conditional SD of s" + (s + 1)).isCloseTo(Math.sqrt(condVar), within(1e-8));
      assertThat(d.low()).isCloseTo(d.estimate() - 1.959963985 * d.se(), within(1e-12));
    }
    // Service 7 has no post course: its post departure is predicted as 0, and its interval is the widest.
    assertThat(blups.values()).allMatch(d -> d.se() <= blups.get("s7").se());
  }

  @Test
  void withoutTheServiceCohortTermDid40GivesLme4sBoundaryFit() {
    // expected.json notes: change ~ cohort + (1|service_id), REML: cohort -2.502817523 (SE 0.1023958695), service
    // variance about 0. Same model on the change scores (time 1 minus time 0 per client) of did40.
    Map<String, double[]> perClient = new LinkedHashMap<>();
    for (Row r : ReferenceData.rows("did40.csv")) {
      double[] c = perClient.computeIfAbsent(r.getAs("service_id") + "/" + r.getAs("client_id"),
          x -> new double[] {r.<Integer>getAs("service_id"), r.<Integer>getAs("cohort"), 0});
      c[2] += (r.<Integer>getAs("time") == 1 ? 1 : -1) * r.<Double>getAs("score");
    }
    List<Row> rows = new ArrayList<>();
    perClient.values().forEach(c -> rows.add(new GenericRowWithSchema(new Object[] {"PHQ9",
        String.valueOf((int) c[0]), (int) c[1], c[1] == 1 ? "post" : "pre", c[2]}, SCHEMA)));
    LmmFit fit = MixedModel.fit(rows, Formula.parse(ChangeScoreModel.NULL_FORMULA), FitOptions.reml());
    assertThat(fit.fixed("cohort").estimate()).isCloseTo(-2.502817523, within(1e-6 * 2.502817523));
    assertThat(fit.fixed("cohort").se()).isCloseTo(0.1023958695, within(1e-4 * 0.1023958695));
    assertThat(fit.boundary()).isTrue();
  }

  @Test
  void theVariationTestHalvesTheChiSquaredTailBecauseTheVarianceIsOnItsBoundary() {
    // P(chi2(1) > 2.705543) = 0.10, so the 50:50 mixture gives 0.05; a statistic of 0 gives p = 1.
    assertThat(ChangeScoreModel.mixtureP(2.705543)).isCloseTo(0.05, within(1e-6));
    assertThat(ChangeScoreModel.mixtureP(0)).isEqualTo(1.0);
  }

  private static double normal(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}
