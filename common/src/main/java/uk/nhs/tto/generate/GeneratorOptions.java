package uk.nhs.tto.generate;

import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import uk.nhs.tto.errors.TtoException;

/**
 * Everything that determines a synthetic extract: the same options (and catalogues) give the same bytes.
 * Build with {@link #builder}; a {@link Scale} supplies defaults that explicit settings override.
 */
public final class GeneratorOptions {

  /** File format of the extract tables. */
  public enum Format {
    CSV,
    PARQUET;

    public String extension() {
      return "." + name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which courses of the post-training period get the planted effect. */
  public enum EffectTarget {
    HIGH,
    LOW,
    ALL
  }

  /** Seed-study difference-in-differences (SPEC §5): depression, anxiety, social functioning, phobia. */
  public static final Map<Domain, Double> SEED_STUDY_EFFECTS = Collections.unmodifiableMap(new EnumMap<>(Map.of(
      Domain.DEPRESSION, -2.53, Domain.ANXIETY, -2.70, Domain.SOCIAL_FUNCTIONING, -2.17, Domain.PHOBIA, -1.19)));

  private final Path out;
  private final Scale scale;
  private final int services;
  private final int months;
  private final long seed;
  private final YearMonth start;
  private final double defectFraction;
  private final Map<Domain, Double> effects;
  private final double personalityMultiplier;
  private final EffectTarget effectTarget;
  private final Format format;
  private final double coursesPerServiceYear;
  private final double monthlyGrowth;
  private final int threads;
  private final Codebook codebook;

  private GeneratorOptions(Builder b) {
    this.out = b.out;
    this.scale = b.scale;
    this.services = b.services != null ? b.services : b.scale.services();
    this.months = b.months != null ? b.months : b.scale.months();
    this.seed = b.seed;
    this.start = b.start;
    this.defectFraction = b.defectFraction;
    this.effects = Collections.unmodifiableMap(new EnumMap<>(b.effects));
    this.personalityMultiplier = b.personalityMultiplier;
    this.effectTarget = b.effectTarget;
    this.format = b.format;
    this.coursesPerServiceYear =
        b.coursesPerServiceYear != null ? b.coursesPerServiceYear : b.scale.coursesPerServiceYear();
    this.monthlyGrowth = b.monthlyGrowth != null ? b.monthlyGrowth : b.scale.monthlyGrowth();
    this.threads = b.threads;
    this.codebook = b.codebook;
  }

  /** Options with the run-local defaults (20 services, 24 months from April 2023, seed 1, clean CSV). */
  public static Builder builder(Path out, Codebook codebook) {
    return new Builder(out, codebook);
  }

  public Path out() {
    return out;
  }

  public Scale scale() {
    return scale;
  }

  public int services() {
    return services;
  }

  public int months() {
    return months;
  }

  public long seed() {
    return seed;
  }

  public YearMonth start() {
    return start;
  }

  /** The last month of the extract. */
  public YearMonth end() {
    return start.plusMonths(months - 1L);
  }

  public double defectFraction() {
    return defectFraction;
  }

  /** Planted difference-in-differences per domain (score points; negative is more improvement). */
  public Map<Domain, Double> effects() {
    return effects;
  }

  /** Multiplies the planted effect for clients with an F60/F61 presenting complaint. */
  public double personalityMultiplier() {
    return personalityMultiplier;
  }

  public EffectTarget effectTarget() {
    return effectTarget;
  }

  public Format format() {
    return format;
  }

  /** Expected finished courses per service and year at the start of the period (before growth). */
  public double coursesPerServiceYear() {
    return coursesPerServiceYear;
  }

  /** Referral volume growth per month (0.01 is 1% a month). */
  public double monthlyGrowth() {
    return monthlyGrowth;
  }

  public int threads() {
    return threads;
  }

  public Codebook codebook() {
    return codebook;
  }

  /** Builds options; every setter checks its argument and says what arrived when it is wrong. */
  public static final class Builder {
    private final Path out;
    private final Codebook codebook;
    private Scale scale = Scale.RUN_LOCAL;
    private Integer services;
    private Integer months;
    private long seed = 1;
    private YearMonth start = YearMonth.of(2023, 4);
    private double defectFraction;
    private final Map<Domain, Double> effects = new EnumMap<>(SEED_STUDY_EFFECTS);
    private double personalityMultiplier = 1.0;
    private EffectTarget effectTarget = EffectTarget.HIGH;
    private Format format = Format.CSV;
    private Double coursesPerServiceYear;
    private Double monthlyGrowth;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Builder(Path out, Codebook codebook) {
      if (out == null) {
        throw TtoException.of(
            "No output folder given", "the extract needs a folder to be written to", "pass --out DIR");
      }
      this.out = out;
      this.codebook = codebook;
    }

    /** Defaults for services, months, volume and growth; explicit settings win whatever their order. */
    public Builder scale(Scale s) {
      this.scale = s;
      return this;
    }

    public Builder services(int n) {
      check(n >= 1 && n <= 9999, "--services is " + n, "service codes are T0001 to T9999",
          "choose 1 to 9999 services");
      this.services = n;
      return this;
    }

    public Builder months(int n) {
      check(n >= 4 && n <= 240, "--months is " + n,
          "pre and post cohort windows of at least one month each need 4 months or more",
          "choose 4 to 240 months");
      this.months = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder start(YearMonth ym) {
      check(ym.getYear() >= 1990 && ym.getYear() <= 2100, "--start is " + ym, "it must be a plausible month",
          "write --start yyyy-MM, e.g. 2023-04");
      this.start = ym;
      return this;
    }

    /** Parses {@code yyyy-MM}. */
    public Builder start(String text) {
      try {
        return start(YearMonth.parse(text.trim()));
      } catch (DateTimeParseException e) {
        throw TtoException.of(
            "--start is '" + text + "'", "it must be a month as yyyy-MM", "write e.g. --start 2023-04");
      }
    }

    public Builder defectFraction(double f) {
      check(f >= 0 && f < 0.5, "--defects is " + f, "it is the fraction of defective rows to add",
          "choose a fraction from 0 to below 0.5, e.g. 0.01");
      this.defectFraction = f;
      return this;
    }

    public Builder effect(Domain d, double value) {
      check(Double.isFinite(value) && Math.abs(value) <= d.totalMax(), "Effect " + d.label() + "=" + value,
          "a planted effect must fit in the measure's range (0-" + d.totalMax() + ")", "choose a smaller effect");
      effects.put(d, value);
      return this;
    }

    /** Parses {@code depression=-2.53,anxiety=-2.70,...}; domains not named keep their seed-study value. */
    public Builder effects(String spec) {
      for (String part : spec.split(",")) {
        if (part.isBlank()) {
          continue;
        }
        String[] kv = part.split("=", 2);
        Domain d = kv.length == 2 ? Domain.byName(kv[0].trim()).orElse(null) : null;
        if (d == null) {
          throw TtoException.of("--effects has '" + part.trim() + "'",
              "each entry is domain=value with domain one of depression, anxiety, social_functioning, phobia",
              "write e.g. --effects \"depression=-2.53,anxiety=-2.70\"");
        }
        effect(d, number(kv[1], "--effects " + d.label()));
      }
      return this;
    }

    public Builder personalityMultiplier(double m) {
      check(Double.isFinite(m) && m >= 0 && m <= 10, "--subgroup-effect personality=" + m,
          "it multiplies the planted effect for clients with F60/F61 complaints", "choose a factor from 0 to 10");
      this.personalityMultiplier = m;
      return this;
    }

    /** Parses {@code personality=2.0}, the only subgroup the generator plants. */
    public Builder subgroupEffect(String spec) {
      String[] kv = spec.split("=", 2);
      if (kv.length != 2 || !kv[0].trim().equals("personality")) {
        throw TtoException.of("--subgroup-effect is '" + spec + "'",
            "the generator plants a subgroup effect only for personality (F60/F61 complaints)",
            "write --subgroup-effect personality=2.0");
      }
      return personalityMultiplier(number(kv[1], "--subgroup-effect personality"));
    }

    public Builder effectTarget(EffectTarget t) {
      this.effectTarget = t;
      return this;
    }

    public Builder format(Format f) {
      this.format = f;
      return this;
    }

    /** Parses {@code csv} or {@code parquet}. */
    public Builder format(String text) {
      try {
        return format(Format.valueOf(text.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw TtoException.of(
            "--format is '" + text + "'", "the extract formats are csv and parquet", "write --format csv");
      }
    }

    public Builder coursesPerServiceYear(double k) {
      check(k >= 1 && k <= 1_000_000, "--courses-per-service-year is " + k,
          "it is the number of finished courses a service has in a year", "choose 1 to 1,000,000");
      this.coursesPerServiceYear = k;
      return this;
    }

    public Builder monthlyGrowth(double g) {
      check(g > -0.2 && g < 0.2, "--monthly-growth is " + g, "it is the referral growth per month (0.01 = 1%)",
          "choose a value between -0.2 and 0.2");
      this.monthlyGrowth = g;
      return this;
    }

    public Builder threads(int n) {
      check(n >= 1 && n <= 256, "--threads is " + n, "services are generated on this many threads",
          "choose 1 to 256");
      this.threads = n;
      return this;
    }

    public GeneratorOptions build() {
      if (codebook == null) {
        throw TtoException.of("No code catalogue given", "scores and care activities need the codes of conf/",
            "load one with Codebook.load(measures, therapyCodes)");
      }
      return new GeneratorOptions(this);
    }

    private static double number(String text, String what) {
      try {
        return Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw TtoException.of(what + " is '" + text.trim() + "'", "it must be a number", "write a decimal number");
      }
    }

    private static void check(boolean ok, String what, String why, String fix) {
      if (!ok) {
        throw TtoException.of(what, why, fix);
      }
    }
  }
}
