package uk.nhs.tto.variation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.analysis.AnalysisConfig;
import uk.nhs.tto.stats.Blup;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.ReferenceData;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.subgroups.SubgroupAnalysis;
import uk.nhs.tto.subgroups.SubgroupConfig;
import uk.nhs.tto.subgroups.SubgroupResult;
import uk.nhs.tto.testing.SparkExtension;

/**
 * The services' random intercepts that service variation publishes are lme4's {@code ranef(condVar = TRUE)}
 * (expected.json "blups"): did40 run through the whole subgroup analysis as gold tables (clients as courses, the
 * national model {@code score ~ time * cohort + (1 | service/client)}), and Pastes' batches taken as services.
 * BLUPs to 1e-4 absolute (several lie near 0), conditional SDs to 1e-4 relative.
 */
@ExtendWith(SparkExtension.class)
class ServiceEffectsReferenceTest {

  @Test
  void did40ServiceEffectsPublishedByTheAnalysisAreLme4sBlups(SparkSession spark) {
    Dataset<Row> did40 = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(ReferenceData.file("did40.csv").toString());
    // One gold.courses row and one PHQ-9 gold.score_pairs row per client.
    Dataset<Row> courses = did40.groupBy("service_id", "client_id").agg(first("cohort").as("c"))
        .select(
            concat(lit("c"), col("client_id")).as("PathwayID"),
            col("service_id").cast(DataTypes.StringType).as("service_id"),
            lit(null).cast(DataTypes.StringType).as("therapist"),
            lit(true).as("finished"),
            when(col("c").equalTo(1), "post").otherwise("pre").as("cohort"),
            lit("HIGH").as("intensity"),
            lit(false).as("personality_difficulty"),
            lit(null).cast(DataTypes.StringType).as("age_band"),
            lit(null).cast(DataTypes.StringType).as("gender_label"),
            lit(null).cast(DataTypes.StringType).as("ethnic_group"),
            lit(null).cast(DataTypes.IntegerType).as("imd_quintile"),
            lit(true).as("caseness"),
            lit(false).as("recovered"),
            lit(false).as("reliably_improved"));
    Dataset<Row> pairs = did40.groupBy("client_id")
        .pivot("time", List.of(0, 1))
        .agg(first("score"))
        .select(
            concat(lit("c"), col("client_id")).as("PathwayID"),
            lit("PHQ9").as("measure"),
            lit("depression").as("domain"),
            col("0").as("first_score"),
            col("1").as("last_score"));
    AnalysisConfig config = new AnalysisConfig("HIGH", List.of(), List.of("service", "client"), "REML");
    SubgroupResult result = SubgroupAnalysis.analyse(courses, pairs, config,
        SubgroupConfig.defaults().withDimensions(List.of()));

    JsonNode ref = reference("did40.csv");
    Map<String, ServiceEffect> published = result.services().stream()
        .collect(Collectors.toMap(ServiceEffect::service, e -> e));
    assertThat(published).hasSize(40);
    for (JsonNode v : ref.get("values")) {
      Blup b = published.get(v.get("group").asText()).level();
      assertThat(b.value()).as("service " + b.group()).isCloseTo(v.get("blup").asDouble(), within(1e-4));
      double sd = v.get("cond_sd").asDouble();
      assertThat(b.condSd()).as("cond SD of service " + b.group()).isCloseTo(sd, within(1e-4 * sd));
    }
    // The national model of the same run is lme4's did40 fit.
    assertThat(result.level("PHQ9", uk.nhs.tto.subgroups.Dimension.ALL, "all").did().estimate())
        .isCloseTo(-2.502816488, within(1e-6 * 2.502816488));
  }

  @Test
  void pastesBatchesTakenAsServicesGiveLme4sBatchBlups() {
    // strength ~ 1 + (1|batch/cask) with batch renamed service: the same model, so the same BLUPs.
    List<Row> rows = ReferenceData.rows("Pastes.csv");
    LmmFit fit = MixedModel.fit(rows, Formula.parse("strength ~ 1 + (1|batch/cask)"), FitOptions.reml());
    LmmFit renamed = MixedModel.fit(renameBatchToService(rows), Formula.parse("strength ~ 1 + (1|service/cask)"),
        FitOptions.reml());
    Map<String, Blup> effects = ServiceVariation.levelEffects(renamed);
    assertThat(ServiceVariation.levelEffects(fit)).as("no service level, no effects").isEmpty();
    assertThat(effects.keySet()).containsExactly("A", "B", "C", "D", "E", "F", "G", "H", "I", "J");
    for (JsonNode v : reference("Pastes.csv").get("values")) {
      assertThat(effects.get(v.get("group").asText()).value()).as("batch " + v.get("group").asText())
          .isCloseTo(v.get("blup").asDouble(), within(1e-4));
    }
  }

  private static List<Row> renameBatchToService(List<Row> rows) {
    var schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("strength", DataTypes.DoubleType, false),
        DataTypes.createStructField("service", DataTypes.StringType, false),
        DataTypes.createStructField("cask", DataTypes.StringType, false)));
    return rows.stream()
        .map(r -> (Row) new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
            new Object[] {r.getAs("strength"), r.getAs("batch"), r.getAs("cask")}, schema))
        .toList();
  }

  private static JsonNode reference(String data) {
    for (JsonNode b : ReferenceData.expected().get("blups")) {
      if (b.get("data").asText().equals(data)) {
        return b;
      }
    }
    throw new IllegalStateException("no blups for " + data + " in " + ReferenceData.directory());
  }
}
