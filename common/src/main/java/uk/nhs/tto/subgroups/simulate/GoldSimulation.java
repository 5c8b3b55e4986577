package uk.nhs.tto.subgroups.simulate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.subgroups.CohortSummary;
import uk.nhs.tto.subgroups.Dimension;
import uk.nhs.tto.subgroups.LevelCohorts;
import uk.nhs.tto.subgroups.SplitKey;
import uk.nhs.tto.subgroups.SubgroupData;

/**
 * Simulated {@code gold.courses} and {@code gold.score_pairs} with known effects, for tests and benchmarks of the
 * subgroup analyses: SPEC §5's model (service, therapist and client random intercepts, residual error) with each
 * measure's difference-in-differences planted, optionally multiplied for courses with personality difficulty (as
 * the generator's {@code --subgroup-effect personality=…} does) and varying between services.
 *
 * <p>Simulating at the gold level skips extracts, ingest and derive: the subgroup analyses start from the gold
 * tables, so this tests exactly their part. Scores are continuous (not rounded or clamped) so that planted values
 * are the model's true parameters.
 */
public final class GoldSimulation {

  /** Truth per measure: domain, mean first score, pre-cohort change (time effect) and planted DiD (SPEC §5's). */
  public record Truth(String domain, double mean, double time, double did) {}

  /** The four measures of SPEC §2 with the seed study's DiDs. */
  public static final Map<String, Truth> MEASURES = measures();

  /** SDs of the service, therapist and client intercepts and the residual (did40's, plus a therapist SD). */
  public static final double SD_SERVICE = 1.3;

  public static final double SD_THERAPIST = 1.0;
  public static final double SD_CLIENT = 3.1;
  public static final double SD_RESIDUAL = 4.0;

  static final String[] AGE_BANDS = {"16-25", "26-35", "36-45", "46-55", "56-65", "66+"};
  static final String[] GENDERS = {"1", "2", "9", "X"};
  static final String[] GENDER_LABELS = {"male", "female", "indeterminate", "not known"};
  static final double[] GENDER_WEIGHTS = {0.34, 0.64, 0.01, 0.01};
  static final String[] ETHNIC_GROUPS = {"White", "Mixed", "Asian", "Black", "Other", "Not stated"};
  static final double[] ETHNIC_WEIGHTS = {0.78, 0.04, 0.08, 0.04, 0.02, 0.04};

  /**
   * What to simulate.
   *
   * @param personalityShare share of courses with personality difficulty
   * @param personalityMultiplier their DiD is the measure's DiD times this (1: no subgroup effect)
   * @param lowShare share of LOW-intensity courses (the rest are HIGH)
   * @param serviceDidSd SD of services' departures from the national DiD (0: all services share it)
   * @param measureShares probability that a course has a pair of each measure (missing measures: always)
   * @param serviceOffset services are numbered from this + 1
   */
  public record Params(
      int services,
      int therapistsPerService,
      int coursesPerTherapist,
      double personalityShare,
      double personalityMultiplier,
      double lowShare,
      double serviceDidSd,
      Map<String, Double> measureShares,
      long seed,
      int serviceOffset) {

    public Params(int services, int therapistsPerService, int coursesPerTherapist, double personalityShare,
        double personalityMultiplier, double lowShare, double serviceDidSd, Map<String, Double> measureShares,
        long seed) {
      this(services, therapistsPerService, coursesPerTherapist, personalityShare, personalityMultiplier, lowShare,
          serviceDidSd, measureShares, seed, 0);
    }

    /** A seed-study-sized design: 40 services × 6 therapists × 20 courses (about 2,400 per cohort). */
    public static Params seedStudy(long seed) {
      return new Params(40, 6, 20, 0.12, 1.0, 0.0, 0.0, Map.of(), seed);
    }

    public Params withSize(int s, int t, int c) {
      return new Params(s, t, c, personalityShare, personalityMultiplier, lowShare, serviceDidSd, measureShares,
          seed, serviceOffset);
    }

    public Params withPersonalityMultiplier(double m) {
      return new Params(services, therapistsPerService, coursesPerTherapist, personalityShare, m, lowShare,
          serviceDidSd, measureShares, seed, serviceOffset);
    }

    public Params withLowShare(double s) {
      return new Params(services, therapistsPerService, coursesPerTherapist, personalityShare,
          personalityMultiplier, s, serviceDidSd, measureShares, seed, serviceOffset);
    }

    public Params withServiceDidSd(double sd) {
      return new Params(services, therapistsPerService, coursesPerTherapist, personalityShare,
          personalityMultiplier, lowShare, sd, measureShares, seed, serviceOffset);
    }

    public Params withMeasureShares(Map<String, Double> shares) {
      return new Params(services, therapistsPerService, coursesPerTherapist, personalityShare,
          personalityMultiplier, lowShare, serviceDidSd, shares, seed, serviceOffset);
    }

    /** The same design with services numbered from {@code offset + 1} (to simulate a large year in blocks). */
    public Params withServiceOffset(int offset) {
      return new Params(services, therapistsPerService, coursesPerTherapist, personalityShare,
          personalityMultiplier, lowShare, serviceDidSd, measureShares, seed, offset);
    }

    public Params withSeed(long s) {
      return new Params(services, therapistsPerService, coursesPerTherapist, personalityShare,
          personalityMultiplier, lowShare, serviceDidSd, measureShares, s, serviceOffset);
    }
  }

  /** One simulated course (a row of gold.courses) with its pairs. */
  public record Course(
      String id,
      String service,
      String therapist,
      String cohort,
      String intensity,
      boolean personality,
      String ageBand,
      String gender,
      String genderLabel,
      String ethnicGroup,
      int imdDecile,
      boolean caseness,
      boolean recovered,
      boolean reliablyImproved,
      List<Pair> pairs) {}

  /** One course × measure pair (a row of gold.score_pairs). */
  public record Pair(String measure, String domain, double first, double last) {}

  private GoldSimulation() {}

  /** Simulates every course; the same parameters always give the same courses. */
  public static List<Course> courses(Params p) {
    SplittableRandom rng = new SplittableRandom(p.seed());
    List<Course> out = new ArrayList<>();
    for (int s = p.serviceOffset() + 1; s <= p.serviceOffset() + p.services(); s++) {
      String service = String.format("S%03d", s);
      double serviceLevel = SD_SERVICE * gaussian(rng);
      double serviceDid = p.serviceDidSd() * gaussian(rng);
      double recoveryRate = 0.5 + 0.08 * gaussian(rng);
      for (int t = 1; t <= p.therapistsPerService(); t++) {
        String therapist = service + "-T" + t;
        double therapistLevel = SD_THERAPIST * gaussian(rng);
        for (int c = 1; c <= p.coursesPerTherapist(); c++) {
          String id = therapist + "-C" + c;
          boolean post = rng.nextBoolean();
          boolean personality = rng.nextDouble() < p.personalityShare();
          boolean low = rng.nextDouble() < p.lowShare();
          double clientLevel = SD_CLIENT * gaussian(rng);
          int gender = pick(rng, GENDER_WEIGHTS);
          List<Pair> pairs = new ArrayList<>();
          for (Map.Entry<String, Truth> m : MEASURES.entrySet()) {
            if (rng.nextDouble() >= p.measureShares().getOrDefault(m.getKey(), 1.0)) {
              continue;
            }
            Truth truth = m.getValue();
            double level = truth.mean() + serviceLevel + therapistLevel + clientLevel;
            double did = (truth.did() + serviceDid) * (personality ? p.personalityMultiplier() : 1);
            double first = level + SD_RESIDUAL * gaussian(rng);
            double last = level + truth.time() + (post ? did : 0) + SD_RESIDUAL * gaussian(rng);
            pairs.add(new Pair(m.getKey(), truth.domain(), first, last));
          }
          boolean caseness = rng.nextDouble() < 0.9;
          out.add(new Course(id, service, therapist, post ? "post" : "pre", low ? "LOW" : "HIGH", personality,
              AGE_BANDS[rng.nextInt(AGE_BANDS.length)], GENDERS[gender], GENDER_LABELS[gender],
              ETHNIC_GROUPS[pick(rng, ETHNIC_WEIGHTS)], 1 + rng.nextInt(10),
              caseness, caseness && rng.nextDouble() < recoveryRate, rng.nextDouble() < 0.67, pairs));
        }
      }
    }
    return out;
  }

  /** The schema of {@link #levelRows}. */
  public static final StructType LEVEL_ROWS = DataTypes.createStructType(new StructField[] {
    field(SubgroupData.SPLIT, DataTypes.StringType),
    field("subgroup", DataTypes.StringType),
    field("time", DataTypes.IntegerType),
    field("score", DataTypes.DoubleType),
    field("cohort", DataTypes.IntegerType),
    field("gender", DataTypes.StringType),
    field("service", DataTypes.StringType),
    field("therapist", DataTypes.StringType),
    field("client", DataTypes.StringType)
  });

  /**
   * One measure's model data for one dimension as in-memory rows ({@link #LEVEL_ROWS}): two rows per HIGH-intensity
   * course (both intensities for {@link Dimension#INTENSITY}), split {@code measure|dimension|level} as
   * {@link SubgroupData#levels} writes it, with the level also in column {@code subgroup}. For simulation
   * studies that fit many replicates through the in-memory engine (no Spark).
   */
  public static List<Row> levelRows(List<Course> courses, String measure, Dimension d) {
    List<Row> rows = new ArrayList<>();
    for (Course c : courses) {
      String level = level(c, d);
      if (level == null) {
        continue;
      }
      String split = new SplitKey(measure, d, level).encode();
      for (Pair p : c.pairs()) {
        if (p.measure().equals(measure)) {
          int cohort = c.cohort().equals("post") ? 1 : 0;
          rows.add(new GenericRowWithSchema(new Object[] {split, level, 0, p.first(), cohort, c.gender(), c.service(),
              c.therapist(), c.id()}, LEVEL_ROWS));
          rows.add(new GenericRowWithSchema(new Object[] {split, level, 1, p.last(), cohort, c.gender(), c.service(),
              c.therapist(), c.id()}, LEVEL_ROWS));
        }
      }
    }
    return rows;
  }

  /** A course's level in a dimension (null: in none, i.e. LOW intensity outside the intensity dimension). */
  static String level(Course c, Dimension d) {
    if (d != Dimension.INTENSITY && !c.intensity().equals("HIGH")) {
      return null;
    }
    return switch (d) {
      case PERSONALITY -> c.personality() ? "yes" : "no";
      case AGE_BAND -> c.ageBand();
      case GENDER -> c.genderLabel();
      case ETHNICITY -> c.ethnicGroup();
      case DEPRIVATION -> String.valueOf((c.imdDecile() + 1) / 2);
      case INTENSITY -> c.intensity();
      case SERVICE -> c.service();
      case ALL -> "all";
      case SEVERITY -> throw new IllegalArgumentException("Severity bands are not simulated in memory");
    };
  }

  /**
   * Each level's pre and post cohorts for one measure and dimension, as {@link SubgroupData#describe} gives them
   * from Spark: the in-memory input of the closed-form interaction test. Levels as in {@link #levelRows}.
   */
  public static Map<String, LevelCohorts> levelCohorts(List<Course> courses, String measure, Dimension d) {
    Map<String, double[][]> sums = new java.util.TreeMap<>();
    for (Course c : courses) {
      String level = level(c, d);
      for (Pair p : c.pairs()) {
        if (level != null && p.measure().equals(measure)) {
          double[] s = sums.computeIfAbsent(level, x -> new double[2][3])[c.cohort().equals("post") ? 1 : 0];
          double change = p.last() - p.first();
          s[0]++;
          s[1] += change;
          s[2] += change * change;
        }
      }
    }
    Map<String, LevelCohorts> out = new java.util.TreeMap<>();
    sums.forEach((level, s) -> out.put(level, new LevelCohorts(summary(s[0]), summary(s[1]))));
    return out;
  }

  private static CohortSummary summary(double[] s) {
    long n = (long) s[0];
    if (n == 0) {
      return CohortSummary.EMPTY;
    }
    double mean = s[1] / n;
    Double sd = n < 2 ? null : Math.sqrt(Math.max(0, (s[2] - n * mean * mean) / (n - 1)));
    return new CohortSummary(n, null, null, mean, sd);
  }

  /** The courses as a {@code gold.courses}-shaped Dataset (the columns the analyses read). */
  public static Dataset<Row> coursesTable(SparkSession spark, List<Course> courses) {
    List<Row> rows = new ArrayList<>();
    for (Course c : courses) {
      rows.add(RowFactory.create(c.id(), c.service(), c.therapist(), true, c.cohort(), c.intensity(),
          c.personality(), c.ageBand(), c.gender(), c.genderLabel(), c.ethnicGroup(), c.imdDecile(),
          (c.imdDecile() + 1) / 2, c.caseness(), c.recovered(), c.reliablyImproved()));
    }
    return spark.createDataFrame(rows, COURSES);
  }

  /** The pairs as a {@code gold.score_pairs}-shaped Dataset (scores as doubles: see the class comment). */
  public static Dataset<Row> scorePairsTable(SparkSession spark, List<Course> courses) {
    List<Row> rows = new ArrayList<>();
    for (Course c : courses) {
      for (Pair p : c.pairs()) {
        rows.add(RowFactory.create(c.id(), c.service(), p.measure(), p.domain(), p.first(), p.last(),
            p.last() - p.first()));
      }
    }
    return spark.createDataFrame(rows, PAIRS);
  }

  public static final StructType COURSES = DataTypes.createStructType(new StructField[] {
    field("PathwayID", DataTypes.StringType),
    field("service_id", DataTypes.StringType),
    field("therapist", DataTypes.StringType),
    field("finished", DataTypes.BooleanType),
    field("cohort", DataTypes.StringType),
    field("intensity", DataTypes.StringType),
    field("personality_difficulty", DataTypes.BooleanType),
    field("age_band", DataTypes.StringType),
    field("gender", DataTypes.StringType),
    field("gender_label", DataTypes.StringType),
    field("ethnic_group", DataTypes.StringType),
    field("imd_decile", DataTypes.IntegerType),
    field("imd_quintile", DataTypes.IntegerType),
    field("caseness", DataTypes.BooleanType),
    field("recovered", DataTypes.BooleanType),
    field("reliably_improved", DataTypes.BooleanType)
  });

  public static final StructType PAIRS = DataTypes.createStructType(new StructField[] {
    field("PathwayID", DataTypes.StringType),
    field("service_id", DataTypes.StringType),
    field("measure", DataTypes.StringType),
    field("domain", DataTypes.StringType),
    field("first_score", DataTypes.DoubleType),
    field("last_score", DataTypes.DoubleType),
    field("change", DataTypes.DoubleType)
  });

  private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
    return DataTypes.createStructField(name, type, true);
  }

  private static Map<String, Truth> measures() {
    Map<String, Truth> m = new LinkedHashMap<>();
    m.put("PHQ9", new Truth("depression", 15.8, -5.05, -2.53));
    m.put("GAD7", new Truth("anxiety", 13.6, -4.6, -2.70));
    m.put("WSAS", new Truth("social_functioning", 19.0, -4.2, -2.17));
    m.put("PHOBIA", new Truth("phobia", 9.5, -2.1, -1.19));
    return java.util.Collections.unmodifiableMap(m);
  }

  static double gaussian(SplittableRandom rng) {
    // Box–Muller: SplittableRandom has no nextGaussian, and a fixed transform keeps runs reproducible.
    double u = 1 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static int pick(SplittableRandom rng, double[] weights) {
    double u = rng.nextDouble();
    double acc = 0;
    for (int i = 0; i < weights.length; i++) {
      acc += weights[i];
      if (u < acc) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
