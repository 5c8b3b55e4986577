package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Every fit in shared/reference/lme4/expected.json (lme4 1.1-31 + lmerTest 3.1-3) is reproduced, from Spark and
 * from in-memory rows: fixed effects to 1e-6 relative; SEs, Satterthwaite df, random and residual SDs and the
 * criterion to 1e-4 relative.
 */
@ExtendWith(SparkExtension.class)
class ReferenceFitsTest {

  static Stream<Arguments> fits() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode fit : ReferenceData.expected().get("fits")) {
      out.add(Arguments.of(fit.get("data").asText() + " " + fit.get("method").asText(), fit));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} from Spark")
  @MethodSource("fits")
  void sparkFitReproducesLme4(String name, JsonNode expected, SparkSession spark) {
    Dataset<Row> data = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(ReferenceData.file(expected.get("data").asText()).toString());
    LmmFit fit = MixedModel.fit(data, Formula.parse(expected.get("formula").asText()), options(expected));
    assertMatches(fit, expected);
  }

  @ParameterizedTest(name = "{0} from in-memory rows")
  @MethodSource("fits")
  void inMemoryFitReproducesLme4(String name, JsonNode expected) {
    List<Row> rows = ReferenceData.rows(expected.get("data").asText());
    LmmFit fit = MixedModel.fit(rows, Formula.parse(expected.get("formula").asText()), options(expected));
    assertMatches(fit, expected);
  }

  static FitOptions options(JsonNode expected) {
    return expected.get("method").asText().equals("ML") ? FitOptions.ml() : FitOptions.reml();
  }

  static void assertMatches(LmmFit fit, JsonNode expected) {
    assertThat(fit.converged()).as("converged").isTrue();
    assertThat(fit.termNames()).containsExactlyElementsOf(() -> expected.get("fixed").fieldNames());
    expected.get("fixed").fields().forEachRemaining(e -> {
      FixedEffect f = fit.fixed(e.getKey());
      JsonNode v = e.getValue();
      assertRelative(e.getKey() + " estimate", f.estimate(), v.get("estimate").asDouble(), 1e-6);
      assertRelative(e.getKey() + " SE", f.se(), v.get("se").asDouble(), 1e-4);
      assertRelative(e.getKey() + " df", f.df(), v.get("df").asDouble(), 1e-4);
      assertThat(f.waldLow()).as("Wald CI").isCloseTo(f.estimate() - 1.959963985 * f.se(), within(1e-12));
    });
    Map<String, JsonNode> sds = new java.util.LinkedHashMap<>();
    expected.get("random_sd").fields().forEachRemaining(e -> sds.put(e.getKey(), e.getValue()));
    assertThat(fit.random()).extracting(VarianceComponent::group).containsExactlyElementsOf(sds.keySet());
    for (VarianceComponent vc : fit.random()) {
      assertRelative(vc.group() + " SD", vc.sd(), sds.get(vc.group()).asDouble(), 1e-4);
      assertThat(vc.variance()).isCloseTo(vc.sd() * vc.sd(), within(1e-9 * vc.variance()));
    }
    assertRelative("residual SD", fit.residualSd(), expected.get("residual_sd").asDouble(), 1e-4);
    assertRelative("criterion", fit.criterion(), expected.get("criterion").asDouble(), 1e-4);
  }

  static void assertRelative(String what, double actual, double expected, double tolerance) {
    assertThat(actual).as(what + " (lme4: " + expected + ")")
        .isCloseTo(expected, within(tolerance * Math.abs(expected)));
  }
}
