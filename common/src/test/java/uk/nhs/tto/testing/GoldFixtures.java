package uk.nhs.tto.testing;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.lake.Lake;

/**
 * Builds small {@code gold.courses} and {@code gold.score_pairs} tables exactly as the lake contract shapes them,
 * for tests of everything downstream of derive: single courses by hand ({@link #course}) or a whole simulated
 * evaluation with a planted difference-in-differences per domain ({@link Simulation}).
 */
public final class GoldFixtures {

  /** gold.courses, column for column as the lake contract lists them. */
  public static final StructType COURSES =
      schema(
          "PathwayID", "string", "Person_ID", "string", "service_id", "string", "referral_date", "date",
          "discharge_date", "date", "end_code", "string", "finished", "boolean", "treatment_contacts", "int",
          "first_treatment_date", "date", "last_treatment_date", "date", "intensity", "string", "therapist", "string",
          "discharge_month_id", "int", "age", "int", "age_band", "string", "gender", "string", "gender_label",
          "string", "ethnic_category", "string", "ethnic_group", "string", "imd_decile", "int", "imd_quintile", "int",
          "personality_difficulty", "boolean", "cohort", "string", "phq9_first", "int", "phq9_last", "int",
          "gad7_first", "int", "gad7_last", "int", "caseness", "boolean", "recovered", "boolean",
          "reliably_improved", "boolean", "reliably_deteriorated", "boolean", "reliably_recovered", "boolean");

  /** gold.score_pairs, column for column as the lake contract lists them. */
  public static final StructType SCORE_PAIRS =
      schema(
          "PathwayID", "string", "service_id", "string", "measure", "string", "domain", "string", "first_score",
          "int", "last_score", "int", "first_date", "date", "last_date", "date", "n_scores", "int", "change", "int");

  /** SPEC §2's measures and domains in the default catalogue. */
  public static final Map<String, String> DOMAIN_OF =
      Map.of("PHQ9", "depression", "GAD7", "anxiety", "WSAS", "social_functioning", "PHOBIA", "phobia");

  private GoldFixtures() {}

  /** A finished HIGH-intensity course of the pre cohort with everything else plausible; change what a test needs. */
  public static Course course(String pathwayId, String serviceId, String therapist) {
    return new Course(pathwayId, serviceId, therapist);
  }

  /** A score pair row for a course. */
  public static Row pair(Course c, String measure, int first, int last) {
    return RowFactory.create(
        c.pathwayId, c.serviceId, measure, DOMAIN_OF.getOrDefault(measure, measure.toLowerCase()), first, last,
        Date.valueOf(c.firstTreatment),
        Date.valueOf(c.discharge == null ? c.firstTreatment.plusDays(60) : c.discharge),
        2 + Math.abs(c.pathwayId.hashCode() % 6), last - first);
  }

  public static Dataset<Row> courses(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, COURSES);
  }

  public static Dataset<Row> scorePairs(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, SCORE_PAIRS);
  }

  /** Writes both gold tables (one overwrite commit each, as derive does once per run). */
  public static void write(Lake lake, List<Row> courses, List<Row> pairs) {
    lake.overwrite("gold.courses", courses(lake.spark(), courses));
    lake.overwrite("gold.score_pairs", scorePairs(lake.spark(), pairs));
  }

  /** One course (gold.courses row) under construction. */
  public static final class Course {
    final String pathwayId;
    final String serviceId;
    String therapist;
    String cohort = "pre";
    String intensity = "HIGH";
    boolean finished = true;
    Integer age = 34;
    String gender = "2";
    String ethnicCategory = "A";
    Integer imdDecile = 5;
    LocalDate referral = LocalDate.of(2023, 5, 2);
    LocalDate firstTreatment = LocalDate.of(2023, 6, 1);
    LocalDate discharge = LocalDate.of(2023, 10, 20);

    Course(String pathwayId, String serviceId, String therapist) {
      this.pathwayId = pathwayId;
      this.serviceId = serviceId;
      this.therapist = therapist;
    }

    public Course cohort(String c) {
      this.cohort = c;
      return this;
    }

    public Course intensity(String i) {
      this.intensity = i;
      return this;
    }

    public Course unfinished() {
      this.finished = false;
      this.discharge = null;
      return this;
    }

    public Course age(Integer a) {
      this.age = a;
      return this;
    }

    public Course gender(String g) {
      this.gender = g;
      return this;
    }

    public Course ethnicCategory(String e) {
      this.ethnicCategory = e;
      return this;
    }

    public Course imdDecile(Integer d) {
      this.imdDecile = d;
      return this;
    }

    public String pathwayId() {
      return pathwayId;
    }

    public Row row() {
      return RowFactory.create(
          pathwayId, "P" + pathwayId, serviceId, Date.valueOf(referral),
          discharge == null ? null : Date.valueOf(discharge), finished ? "46" : null, finished, finished ? 6 : 1,
          Date.valueOf(firstTreatment), finished ? Date.valueOf(discharge.minusDays(7)) : null, intensity,
          therapist, discharge == null ? null : 1440 + (discharge.getYear() - 2020) * 12 + discharge.getMonthValue(),
          age, ageBand(age), gender, genderLabel(gender), ethnicCategory, ethnicGroup(ethnicCategory), imdDecile,
          imdDecile == null ? null : (imdDecile + 1) / 2, false, finished ? cohort : null,
          null, null, null, null, null, null, null, null, null);
    }
  }

  /**
   * A simulated evaluation at chosen cohort sizes: services with therapists, pre and post courses, and for each
   * domain scores drawn from SPEC §5's model {@code score = μ + time·δ + cohort·κ + time·cohort·did + u_service +
   * u_therapist + u_client + e} with the planted {@code did}, rounded to whole points as delivered scores are.
   * Distractors (LOW intensity, spanning, washout, unfinished courses) are added, which the analysis must leave
   * out. The same seed gives the same tables.
   */
  public static final class Simulation {
    /** Planted difference-in-differences per measure: SPEC §5's seed-study estimates. */
    public static final Map<String, Double> SEED_STUDY_DID = seedStudy();

    private int services = 20;
    private int therapistsPerService = 6;
    private int preClients = 2434;
    private int postClients = 2358;
    private int distractors = 200;
    private Map<String, Double> did = SEED_STUDY_DID;
    private Map<String, Double> pairedShare = Map.of("PHQ9", 1.0, "GAD7", 1.0, "WSAS", 1.0, "PHOBIA", 1.0);
    private double sdService = 1.3;
    private double sdTherapist = 0.8;
    private double sdClient = 3.1;
    private double sdResidual = 4.0;

    public Simulation services(int n, int therapistsEach) {
      this.services = n;
      this.therapistsPerService = therapistsEach;
      return this;
    }

    public Simulation clients(int pre, int post) {
      this.preClients = pre;
      this.postClients = post;
      return this;
    }

    public Simulation distractors(int n) {
      this.distractors = n;
      return this;
    }

    public Simulation did(Map<String, Double> planted) {
      this.did = Map.copyOf(planted);
      return this;
    }

    /** Fraction of courses with a pair of each measure (others lack that measure's pair). */
    public Simulation pairedShare(Map<String, Double> share) {
      this.pairedShare = Map.copyOf(share);
      return this;
    }

    /** The gold rows for one seed. */
    public Tables generate(long seed) {
      Random rng = new Random(seed);
      List<Row> courses = new ArrayList<>();
      List<Row> pairs = new ArrayList<>();
      List<String> measures = new ArrayList<>(did.keySet());
      measures.sort(String::compareTo);
      Map<String, double[]> serviceEffects = new LinkedHashMap<>();
      Map<String, double[]> therapistEffects = new LinkedHashMap<>();
      int total = preClients + postClients + distractors;
      for (int i = 0; i < total; i++) {
        int s = i % services;
        int t = rng.nextInt(therapistsPerService);
        String service = String.format("S%03d", s);
        String therapist = String.format("th%03d-%d", s, t);
        double[] us = serviceEffects.computeIfAbsent(service, k -> normals(rng, measures.size(), sdService));
        double[] ut = therapistEffects.computeIfAbsent(therapist, k -> normals(rng, measures.size(), sdTherapist));
        Course c = course(String.format("pw%06d", i), service, therapist);
        c.cohort(i < preClients ? "pre" : "post");
        c.age(18 + rng.nextInt(60)).gender(rng.nextBoolean() ? "1" : "2").imdDecile(1 + rng.nextInt(10));
        if (i >= preClients + postClients) {
          switch (i % 4) {
            case 0 -> c.intensity("LOW");
            case 1 -> c.cohort("spanning");
            case 2 -> c.cohort("washout");
            default -> c.unfinished();
          }
        }
        courses.add(c.row());
        int post = c.cohort.equals("post") ? 1 : 0;
        for (int m = 0; m < measures.size(); m++) {
          String measure = measures.get(m);
          if (rng.nextDouble() >= pairedShare.getOrDefault(measure, 1.0)) {
            continue;
          }
          double base = MU.getOrDefault(measure, 15.0) + us[m] + ut[m] + sdClient * rng.nextGaussian();
          double first = base + sdResidual * rng.nextGaussian();
          double last =
              base + DELTA.getOrDefault(measure, -5.0) + post * did.get(measure) + sdResidual * rng.nextGaussian();
          first += post * KAPPA;
          last += post * KAPPA;
          pairs.add(pair(c, measure, (int) Math.round(first), (int) Math.round(last)));
        }
      }
      return new Tables(courses, pairs);
    }

    private static final Map<String, Double> MU = Map.of("PHQ9", 15.8, "GAD7", 14.0, "WSAS", 20.0, "PHOBIA", 10.0);
    private static final Map<String, Double> DELTA = Map.of("PHQ9", -5.05, "GAD7", -4.6, "WSAS", -5.5, "PHOBIA", -3.0);
    private static final double KAPPA = 0.4;

    private static Map<String, Double> seedStudy() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("PHQ9", -2.53);
      m.put("GAD7", -2.70);
      m.put("WSAS", -2.17);
      m.put("PHOBIA", -1.19);
      return m;
    }

    private static double[] normals(Random rng, int n, double sd) {
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = sd * rng.nextGaussian();
      }
      return out;
    }
  }

  /** The rows of both gold tables. */
  public record Tables(List<Row> courses, List<Row> pairs) {
    public Dataset<Row> courses(SparkSession spark) {
      return GoldFixtures.courses(spark, courses);
    }

    public Dataset<Row> pairs(SparkSession spark) {
      return GoldFixtures.scorePairs(spark, pairs);
    }

    public void write(Lake lake) {
      GoldFixtures.write(lake, courses, pairs);
    }
  }

  private static String ageBand(Integer age) {
    if (age == null) {
      return null;
    }
    if (age < 16) {
      return "under 16";
    }
    if (age >= 66) {
      return "66+";
    }
    int low = 16 + ((age - 16) / 10) * 10;
    return low + "-" + (low + 9);
  }

  private static String genderLabel(String g) {
    return switch (g == null ? "X" : g) {
      case "1" -> "male";
      case "2" -> "female";
      case "9" -> "indeterminate";
      default -> "not known";
    };
  }

  private static String ethnicGroup(String code) {
    if (code == null) {
      return "Not stated";
    }
    return switch (code) {
      case "A", "B", "C" -> "White";
      case "D", "E", "F", "G" -> "Mixed";
      case "H", "J", "K", "L" -> "Asian";
      case "M", "N", "P" -> "Black";
      case "R", "S" -> "Other";
      default -> "Not stated";
    };
  }

  private static StructType schema(String... namesAndTypes) {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      DataType t =
          switch (namesAndTypes[i + 1]) {
            case "string" -> DataTypes.StringType;
            case "date" -> DataTypes.DateType;
            case "boolean" -> DataTypes.BooleanType;
            case "int" -> DataTypes.IntegerType;
            default -> throw new IllegalArgumentException(namesAndTypes[i + 1]);
          };
      fields.add(DataTypes.createStructField(namesAndTypes[i], t, true));
    }
    return DataTypes.createStructType(fields);
  }
}
