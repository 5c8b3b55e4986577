package uk.nhs.tto.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Names and built-in defaults of every setting; {@code conf/local.conf} documents each one. */
public final class Keys {

  public static final String LAKE = "tto.lake";
  public static final String EXTRACTS = "tto.extracts";
  public static final String COHORTS = "tto.cohorts";
  public static final String MEASURES = "tto.measures";
  public static final String THERAPY_CODES = "tto.therapy.codes";
  public static final String MASTER = "tto.master";
  public static final String PROFILE = "tto.profile";
  public static final String KEY_FILE = "tto.pseudonymisation.key.file";
  public static final String KEY_REQUIRED = "tto.pseudonymisation.key.required";
  public static final String DISCLOSURE_MIN_COUNT = "tto.disclosure.min.count";
  public static final String DISCLOSURE_ROUND_TO = "tto.disclosure.round.to";
  public static final String DISCLOSURE_MIN_CLIENTS = "tto.disclosure.min.clients.per.cohort";
  public static final String ANALYSIS_INTENSITY = "tto.analysis.intensity";
  public static final String ANALYSIS_COVARIATES = "tto.analysis.covariates";
  public static final String ANALYSIS_RANDOM = "tto.analysis.random";
  public static final String ANALYSIS_METHOD = "tto.analysis.method";
  public static final String REPORTS = "tto.reports";
  /** Table catalogue: {@code embedded} (Derby beside the lake), {@code external} (thrift URIs) or {@code none}. */
  public static final String METASTORE = "tto.metastore";
  public static final String METASTORE_URIS = "tto.metastore.uris";
  public static final String METASTORE_DIR = "tto.metastore.dir";
  /** S3-compatible endpoint for s3a:// lakes and extracts (env TTO_S3_ENDPOINT); empty means AWS itself. */
  public static final String S3_ENDPOINT = "tto.s3.endpoint";
  /** Progress on stderr: {@code auto} (scripts/tto decides by terminal), {@code on}, {@code off}. */
  public static final String PROGRESS = "tto.progress";
  public static final String PROGRESS_INTERVAL_SECONDS = "tto.progress.interval.seconds";
  public static final String SUBGROUPS_ENABLED = "tto.subgroups.enabled";
  public static final String SUBGROUPS_DIMENSIONS = "tto.subgroups.dimensions";
  /** Prefix of the per-measure baseline severity bands, e.g. {@code tto.subgroups.severity.PHQ9}. */
  public static final String SUBGROUPS_SEVERITY = "tto.subgroups.severity.";
  public static final String SUBGROUPS_PERSONALITY_MEASURE = "tto.subgroups.personality.measure";
  public static final String SUBGROUPS_PERSONALITY_CUTOFF = "tto.subgroups.personality.cutoff";
  public static final String INGEST_LOCK_WAIT = "tto.ingest.lock.wait.seconds";
  public static final String ANALYSE_LOCK_WAIT = "tto.analyse.lock.wait.seconds";
  public static final String DERIVE_LOCK_WAIT = "tto.derive.lock.wait.seconds";
  public static final String NIGHTLY_MAX_QUARANTINED_FRACTION = "tto.nightly.max.quarantined.fraction";
  public static final String NIGHTLY_MAX_REFUSED_FILES = "tto.nightly.max.refused.files";
  /**
   * How long earlier table versions stay readable ({@code --as-of-run}) and their files kept; {@code scripts/tto
   * vacuum} and nightly remove what is older ({@code uk.nhs.tto.lake.Retention}).
   */
  public static final String RETENTION_DAYS = "tto.retention.days";
  /** Whether a nightly run ends with the clean-up of {@link #RETENTION_DAYS}. */
  public static final String NIGHTLY_VACUUM = "tto.nightly.vacuum";
  /** Prefix of Spark settings, passed to Spark without it ({@code tto.spark.spark.sql.shuffle.partitions}). */
  public static final String SPARK_PREFIX = "tto.spark.";

  static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put(PROFILE, "local");
    DEFAULTS.put(LAKE, "lakehouse");
    DEFAULTS.put(COHORTS, "conf/cohorts.csv");
    DEFAULTS.put(MEASURES, "conf/measures.csv");
    DEFAULTS.put(THERAPY_CODES, "conf/therapy-codes.csv");
    DEFAULTS.put(MASTER, "local[*]");
    DEFAULTS.put(KEY_REQUIRED, "false");
    DEFAULTS.put(DISCLOSURE_MIN_COUNT, "5");
    DEFAULTS.put(DISCLOSURE_ROUND_TO, "5");
    DEFAULTS.put(DISCLOSURE_MIN_CLIENTS, "10");
    DEFAULTS.put(ANALYSIS_INTENSITY, "HIGH");
    DEFAULTS.put(ANALYSIS_COVARIATES, "");
    DEFAULTS.put(ANALYSIS_RANDOM, "service/therapist/client");
    DEFAULTS.put(ANALYSIS_METHOD, "REML");
    DEFAULTS.put(REPORTS, "reports");
    DEFAULTS.put(METASTORE, "embedded");
    DEFAULTS.put(PROGRESS, "auto");
    DEFAULTS.put(PROGRESS_INTERVAL_SECONDS, "10");
    DEFAULTS.put(SUBGROUPS_ENABLED, "true");
    DEFAULTS.put(SUBGROUPS_DIMENSIONS, "personality,age_band,gender,ethnicity,deprivation,intensity,severity,service");
    DEFAULTS.put(SUBGROUPS_SEVERITY + "PHQ9", "0-9,10-14,15-19,20-27");
    DEFAULTS.put(SUBGROUPS_SEVERITY + "GAD7", "0-7,8-9,10-14,15-21");
    DEFAULTS.put(SUBGROUPS_SEVERITY + "WSAS", "0-9,10-19,20-40");
    DEFAULTS.put(SUBGROUPS_SEVERITY + "PHOBIA", "0-7,8-15,16-24");
    DEFAULTS.put(INGEST_LOCK_WAIT, "1800");
    DEFAULTS.put(ANALYSE_LOCK_WAIT, "1800");
    DEFAULTS.put(DERIVE_LOCK_WAIT, "1800");
    DEFAULTS.put(NIGHTLY_MAX_QUARANTINED_FRACTION, "0.05");
    DEFAULTS.put(NIGHTLY_MAX_REFUSED_FILES, "0");
    DEFAULTS.put(RETENTION_DAYS, "90");
    DEFAULTS.put(NIGHTLY_VACUUM, "true");
  }

  private Keys() {}

  /**
   * Every key the code reads: the values of this class's constants, those ending in a dot being prefixes (any key
   * under {@link #SPARK_PREFIX} or {@link #SUBGROUPS_SEVERITY}). Read from the constants themselves, so a key added
   * here is known without a second list to keep.
   */
  static final Set<String> NAMES = names();

  /** Whether the code reads {@code key} (see {@link #NAMES}). */
  static boolean known(String key) {
    for (String name : NAMES) {
      if (name.endsWith(".") ? key.startsWith(name) && key.length() > name.length() : key.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (Field f : Keys.class.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
        try {
          out.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }
}
