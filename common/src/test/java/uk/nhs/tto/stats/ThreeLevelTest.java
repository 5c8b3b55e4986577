package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.stats.simulate.NestedDid;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Three nested levels (service/therapist/client): the folded-moment likelihood and BLUPs agree with the textbook
 * dense-matrix formulas (V = σ²(I + Σ γ_k Z_k Z_kᵀ), β̂ = (XᵀV⁻¹X)⁻¹XᵀV⁻¹y, b̂ = G Zᵀ V⁻¹(y − Xβ̂),
 * Var(b | y) = G − G Zᵀ V⁻¹ Z G) computed here independently, and the Spark path agrees with the in-memory path.
 */
@ExtendWith(SparkExtension.class)
class ThreeLevelTest {

  private static final Formula F = Formula.parse("score ~ time*cohort + (1|service_id/therapist_id/client_id)");

  @Test
  void estimatesAndMiddleLevelBlupsMatchDenseMatrixFormulas() {
    List<Row> rows = NestedDid.did40Like().rows(3, 2, 4, new Random(11));
    LmmFit fit = MixedModel.fit(rows, F, FitOptions.reml().withBlups());
    int n = rows.size();
    double s2 = fit.residualVariance();
    double[] gamma = new double[3];
    for (int l = 0; l < 3; l++) {
      gamma[l] = fit.random().get(l).variance() / s2;
    }
    // Dense V/σ² from group memberships.
    double[][] v = new double[n][n];
    double[][] x = new double[n][4];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      Row a = rows.get(i);
      int t = a.getAs("time");
      int c = a.getAs("cohort");
      x[i] = new double[] {1, t, c, t * c};
      y[i] = a.getAs("score");
      for (int j = 0; j < n; j++) {
        Row b = rows.get(j);
        double e = i == j ? 1 : 0;
        if (a.getAs("service_id").equals(b.getAs("service_id"))) {
          e += gamma[2];
          if (a.getAs("therapist_id").equals(b.getAs("therapist_id"))) {
            e += gamma[1];
            if (a.getAs("client_id").equals(b.getAs("client_id"))) {
              e += gamma[0];
            }
          }
        }
        v[i][j] = e;
      }
    }
    RealMatrix vInv = new LUDecomposition(new Array2DRowRealMatrix(v)).getSolver().getInverse();
    RealMatrix xm = new Array2DRowRealMatrix(x);
    RealMatrix xtv = xm.transpose().multiply(vInv);
    RealMatrix a = xtv.multiply(xm);
    double[] beta = new LUDecomposition(a).getSolver()
        .solve(xtv.operate(new org.apache.commons.math3.linear.ArrayRealVector(y)))
        .toArray();
    for (int j = 0; j < 4; j++) {
      assertThat(fit.fixed().get(j).estimate()).isCloseTo(beta[j], within(1e-9 * (1 + Math.abs(beta[j]))));
    }
    RealMatrix vcov = new LUDecomposition(a).getSolver().getInverse().scalarMultiply(s2);
    assertThat(fit.vcov()[3][3]).isCloseTo(vcov.getEntry(3, 3), within(1e-9 * vcov.getEntry(3, 3)));

    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = y[i];
      for (int j = 0; j < 4; j++) {
        r[i] -= x[i][j] * beta[j];
      }
    }
    double[] vr = vInv.operate(r);
    for (Blup b : fit.blups("therapist_id:service_id")) {
      // Indicator of the therapist's rows; label is "therapist:service".
      String therapist = b.group().split(":")[0];
      double[] z = new double[n];
      for (int i = 0; i < n; i++) {
        z[i] = String.valueOf(rows.get(i).<Object>getAs("therapist_id")).equals(therapist) ? 1 : 0;
      }
      double zVr = 0;
      double zVz = 0;
      double[] vz = vInv.operate(z);
      for (int i = 0; i < n; i++) {
        zVr += z[i] * vr[i];
        zVz += z[i] * vz[i];
      }
      assertThat(b.value()).as("BLUP " + b.group()).isCloseTo(gamma[1] * zVr, within(1e-9));
      double condVar = s2 * gamma[1] - s2 * gamma[1] * gamma[1] * zVz;
      assertThat(b.condSd()).as("cond SD " + b.group()).isCloseTo(Math.sqrt(condVar), within(1e-9));
    }
    assertThat(fit.blups("therapist_id:service_id")).hasSize(6);
    assertThat(fit.blups("service_id")).hasSize(3);
  }

  @Test
  void sparkAndInMemoryPathsGiveTheSameThreeLevelFit(SparkSession spark, @TempDir Path tmp) throws IOException {
    List<Row> rows = NestedDid.did40Like().rows(8, 3, 6, new Random(5));
    List<String> lines = new ArrayList<>();
    lines.add("service_id,therapist_id,client_id,cohort,time,score");
    for (Row r : rows) {
      lines.add(r.mkString(","));
    }
    Path csv = tmp.resolve("three.csv");
    Files.write(csv, lines);
    LmmFit memory = MixedModel.fit(rows, F, FitOptions.ml());
    LmmFit distributed = MixedModel.fit(
        spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString()), F, FitOptions.ml());
    assertThat(distributed.groups()).containsEntry("client_id:(therapist_id:service_id)", 144L)
        .containsEntry("therapist_id:service_id", 24L).containsEntry("service_id", 8L);
    assertThat(distributed.criterion()).isCloseTo(memory.criterion(), within(1e-8));
    assertThat(distributed.fixed("time:cohort").df())
        .isCloseTo(memory.fixed("time:cohort").df(), within(1e-6 * memory.fixed("time:cohort").df()));
    for (int l = 0; l < 3; l++) {
      assertThat(distributed.random().get(l).sd()).isCloseTo(memory.random().get(l).sd(), within(1e-7));
    }
  }
}
