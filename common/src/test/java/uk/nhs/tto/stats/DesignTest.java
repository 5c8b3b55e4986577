package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.formula.Formula;

/** Categorical columns are coded as R's model.matrix codes them, and named as lme4 names the coefficients. */
class DesignTest {

  private static final StructType SCHEMA = new StructType()
      .add("g", DataTypes.StringType)
      .add("time", DataTypes.IntegerType)
      .add("gender", DataTypes.StringType)
      .add("age_band", DataTypes.StringType)
      .add("code", DataTypes.IntegerType)
      .add("y", DataTypes.DoubleType)
      .add("label", DataTypes.DateType);

  private static List<Row> rows() {
    String[] ages = {"36-45", "18-25", "26-35"};
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      out.add(new GenericRowWithSchema(new Object[] {
          "g" + (i % 4), i % 2, i % 3 == 0 ? "M" : "F", ages[i % 3], 1 + i % 2, (double) i, null}, SCHEMA));
    }
    return out;
  }

  private static List<String> names(String formula, FitOptions options) {
    return DesignResolver.forRows(rows(), Formula.parse(formula), options).columnNames();
  }

  @Test
  void stringColumnsGetTreatmentContrastsAgainstTheFirstSortedLevel() {
    assertThat(names("y ~ time*gender + age_band + (1|g)", FitOptions.reml()))
        .containsExactly("(Intercept)", "time", "genderM", "age_band26-35", "age_band36-45", "time:genderM");
  }

  @Test
  void theBaselineCanBeChosen() {
    assertThat(names("y ~ gender + (1|g)", FitOptions.reml().withBaseline("gender", "M")))
        .containsExactly("(Intercept)", "genderF");
  }

  @Test
  void numericColumnsCanBeDeclaredCategorical() {
    assertThat(names("y ~ code + (1|g)", FitOptions.reml().withFactor("code"))).containsExactly("(Intercept)", "code2");
    assertThat(names("y ~ code + (1|g)", FitOptions.reml().withBaseline("code", "2")))
        .containsExactly("(Intercept)", "code1");
  }

  @Test
  void withoutInterceptTheFirstFactorIsCodedInFull() {
    assertThat(names("y ~ 0 + gender + age_band + (1|g)", FitOptions.reml()))
        .containsExactly("genderF", "genderM", "age_band26-35", "age_band36-45");
  }

  @Test
  void anInteractionWithoutItsMarginIsCodedInFullAndTheFirstVariableVariesFastest() {
    // time:age_band without the margin time: age_band is coded in full (R's model.matrix does the same).
    assertThat(names("y ~ time:age_band + (1|g)", FitOptions.reml()))
        .containsExactly("(Intercept)", "time:age_band18-25", "time:age_band26-35", "time:age_band36-45");
    // With the margin present, contrasts.
    assertThat(names("y ~ time + time:age_band + (1|g)", FitOptions.reml()))
        .containsExactly("(Intercept)", "time", "time:age_band26-35", "time:age_band36-45");
    assertThat(names("y ~ gender*age_band + (1|g)", FitOptions.reml())).containsExactly(
        "(Intercept)", "genderM", "age_band26-35", "age_band36-45", "genderM:age_band26-35", "genderM:age_band36-45");
  }

  @Test
  void aCategoricalCohortGivesTheSameFitAsItsNumericCoding() {
    // did40's cohort is 0/1: as a factor its coefficient (cohort1) must equal lme4's numeric-coded cohort estimate.
    LmmFit fit = MixedModel.fit(ReferenceData.rows("did40.csv"),
        Formula.parse("score ~ time*cohort + (1|service_id/client_id)"), FitOptions.reml().withFactor("cohort"));
    assertThat(fit.termNames()).containsExactly("(Intercept)", "time", "cohort1", "time:cohort1");
    assertThat(fit.fixed("time:cohort1").estimate()).isCloseTo(-2.502816488, within(1e-6 * 2.502816488));
    assertThat(fit.fixed("cohort1").estimate()).isCloseTo(0.04631717133, within(1e-6 * 0.04631717133));
  }

  @Test
  void columnErrorsNameTheColumnAndListTheData() {
    assertThatThrownBy(() -> names("y ~ tme + (1|g)", FitOptions.reml()))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("tme")
        .hasMessageContaining("time, gender");
    assertThatThrownBy(() -> names("gender ~ time + (1|g)", FitOptions.reml()))
        .hasMessageContaining("response 'gender' is string");
    assertThatThrownBy(() -> names("y ~ label + (1|g)", FitOptions.reml())).hasMessageContaining("'label' is date");
    assertThatThrownBy(() -> names("y ~ gender + (1|g)", FitOptions.reml().withBaseline("gender", "X")))
        .hasMessageContaining("Baseline 'X'")
        .hasMessageContaining("[F, M]");
  }
}
