package uk.nhs.tto.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.testing.SparkExtension;

/**
 * Rows that arrive ordered by group are reduced as they stream past, with no shuffle ({@link OrderedGroups}): a
 * group may span any number of partitions, a partition may hold several sorted runs (files), and the fit is still
 * lme4's; rows out of order, runs whose key ranges overlap and plans with a shuffle are left to the shuffle, which
 * gives the same fit; incomplete rows are dropped and counted the same way on both paths.
 */
@ExtendWith(SparkExtension.class)
class OrderedGroupsTest {

  private static JsonNode expected(String data, String method) {
    for (JsonNode fit : ReferenceData.expected().get("fits")) {
      if (fit.get("data").asText().equals(data) && fit.get("method").asText().equals(method)) {
        return fit;
      }
    }
    throw new IllegalArgumentException(data + " " + method);
  }

  private static Dataset<Row> csv(SparkSession spark, String name) {
    return spark.read().option("header", "true").option("inferSchema", "true")
        .csv(ReferenceData.file(name).toString());
  }

  /** {@code rows} in the order given, cut into {@code slices} partitions of consecutive rows. */
  private static Dataset<Row> sliced(SparkSession spark, Dataset<Row> like, List<Row> rows, int slices) {
    return spark.createDataFrame(new JavaSparkContext(spark.sparkContext()).parallelize(rows, slices), like.schema());
  }

  private static Design design(Dataset<Row> data, JsonNode expected) {
    return DesignResolver.forDataset(data, Formula.parse(expected.get("formula").asText()),
        ReferenceFitsTest.options(expected));
  }

  private static LmmFit fit(Dataset<Row> data, JsonNode expected) {
    return MixedModel.fit(data, Formula.parse(expected.get("formula").asText()), ReferenceFitsTest.options(expected));
  }

  @Test
  void groupsSpanningPartitionsStillGiveLme4sFits(SparkSession spark) {
    // Pastes: string keys, two assays per cask, three casks per batch; did40: integer keys, two rows per client.
    // 7 and 1,001 slices cut groups and parent groups between partitions at every kind of place.
    for (String[] data : new String[][] {{"Pastes.csv", "7"}, {"Pastes.csv", "37"}, {"did40.csv", "1001"}}) {
      Dataset<Row> file = csv(spark, data[0]);
      Dataset<Row> rows = sliced(spark, file, file.collectAsList(), Integer.parseInt(data[1]));
      for (String method : List.of("REML", "ML")) {
        JsonNode expected = expected(data[0], method);
        assertThat(OrderedGroups.moments(rows, design(rows, expected))).as(data[0] + " in order").isPresent();
        ReferenceFitsTest.assertMatches(fit(rows, expected), expected);
      }
    }
  }

  @Test
  void aPartitionHoldingSeveralSortedFilesIsStreamedRunByRun(SparkSession spark) {
    // Spark packs small files into one partition in any order: here one partition holds did40's rows 8,001-16,000
    // and then rows 1-8,001 (the cut at 8,001 splits a client between the two runs), the other the rest.
    Dataset<Row> file = csv(spark, "did40.csv");
    List<Row> all = file.collectAsList();
    List<Row> packed = new ArrayList<>(all.subList(8001, 16000));
    packed.addAll(all.subList(0, 8001));
    packed.addAll(all.subList(16000, all.size()));
    Dataset<Row> rows = spark.createDataFrame(new JavaSparkContext(spark.sparkContext())
        .parallelize(List.of(new ArrayList<>(packed.subList(0, 16000)),
            new ArrayList<>(packed.subList(16000, packed.size()))), 2)
        .flatMap(List::iterator), file.schema());
    for (String method : List.of("REML", "ML")) {
      JsonNode expected = expected("did40.csv", method);
      assertThat(OrderedGroups.moments(rows, design(rows, expected))).isPresent();
      ReferenceFitsTest.assertMatches(fit(rows, expected), expected);
    }
  }

  @Test
  void rowsOutOfOrderAreLeftToTheShuffleWithTheSameFit(SparkSession spark) {
    Dataset<Row> file = csv(spark, "did40.csv");
    List<Row> shuffled = new ArrayList<>(file.collectAsList());
    Collections.shuffle(shuffled, new Random(7));
    Dataset<Row> rows = sliced(spark, file, shuffled, 4);
    JsonNode expected = expected("did40.csv", "REML");
    assertThat(OrderedGroups.moments(rows, design(rows, expected))).isEmpty();
    ReferenceFitsTest.assertMatches(fit(rows, expected), expected);
  }

  @Test
  void partitionsInOrderWhoseKeyRangesOverlapAreLeftToTheShuffle(SparkSession spark) {
    // Each partition is in order on its own, but one holds every cask's first assay and the other its second:
    // streamed as they are, each cask would count as two casks of one assay each.
    Dataset<Row> file = csv(spark, "Pastes.csv");
    List<Row> first = new ArrayList<>();
    List<Row> second = new ArrayList<>();
    for (Row r : file.collectAsList()) {
      (first.size() == second.size() ? first : second).add(r);
    }
    List<Row> both = new ArrayList<>(first);
    both.addAll(second);
    Dataset<Row> rows = sliced(spark, file, both, 2);
    JsonNode expected = expected("Pastes.csv", "REML");
    assertThat(OrderedGroups.moments(rows, design(rows, expected))).isEmpty();
    LmmFit fit = fit(rows, expected);
    assertThat(fit.groups()).containsEntry("cask:batch", 30L);
    ReferenceFitsTest.assertMatches(fit, expected);
  }

  @Test
  void aPlanWithAShuffleIsNotStreamed(SparkSession spark) {
    Dataset<Row> rows = csv(spark, "did40.csv").repartition(3);
    assertThat(OrderedGroups.moments(rows, design(rows, expected("did40.csv", "REML")))).isEmpty();
  }

  @Test
  void incompleteRowsAreDroppedAndCountedAsTheShuffleDoes(SparkSession spark) {
    // did40 with a missing score on every 7th row and a client (service 1, client 1) with no complete row at all.
    Dataset<Row> file = csv(spark, "did40.csv");
    List<Row> rows = new ArrayList<>();
    List<Row> all = file.collectAsList();
    for (int i = 0; i < all.size(); i++) {
      Row r = all.get(i);
      boolean missing = i % 7 == 3 || (r.getInt(0) == 1 && r.getInt(1) == 1);
      rows.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), missing ? null : r.get(4)));
    }
    Dataset<Row> data = sliced(spark, file, rows, 5);
    JsonNode expected = expected("did40.csv", "REML");
    Design design = design(data, expected);
    assertThat(OrderedGroups.moments(data, design)).isPresent();
    PlannedMoments planned = SparkMoments.plan(data, design, null, List.of());
    LmmFit shuffled = Fitter.fit(planned.fold(planned.aggregation().collectAsList()), Moments.ALL,
        ReferenceFitsTest.options(expected), 0);
    LmmFit streamed = fit(data, expected);
    long missing = rows.stream().filter(r -> r.isNullAt(4)).count();
    assertThat(streamed.nDropped()).isEqualTo(missing).isEqualTo(shuffled.nDropped());
    assertThat(streamed.nObs()).isEqualTo(all.size() - missing).isEqualTo(shuffled.nObs());
    assertThat(streamed.groups()).isEqualTo(shuffled.groups());
    assertThat(streamed.criterion()).isCloseTo(shuffled.criterion(), within(1e-9 * Math.abs(shuffled.criterion())));
    assertThat(streamed.fixed("time:cohort").estimate())
        .isCloseTo(shuffled.fixed("time:cohort").estimate(), within(1e-9));
  }
}
