package uk.nhs.tto.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.tto.analysis.ScanBaseline;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.FitOptions;
import uk.nhs.tto.stats.LmmFit;
import uk.nhs.tto.stats.MixedModel;
import uk.nhs.tto.stats.formula.Formula;

/** {@code scripts/tto lmm}: fits one mixed model to a CSV or Parquet file and prints an lme4-style summary. */
public final class LmmJob implements Job {

  @Override
  public LakeUse lakeUse() {
    return LakeUse.NONE;
  }

  @Override
  public String summary() {
    return "fit a linear mixed model (nested random intercepts) to a CSV or Parquet file, as lme4 would";
  }

  @Override
  public Set<String> options() {
    return Set.of("data", "formula", "ml", "blups", "baseline", "factor", "cache", "time-scan");
  }

  @Override
  public String usage() {
    return String.join("\n",
        "  --data FILE        CSV with a header row (types inferred) or Parquet (file or folder)",
        "  --formula \"…\"      lme4 syntax, e.g. \"score ~ time*cohort + (1|service_id/client_id)\"",
        "  --ml               maximum likelihood instead of REML",
        "  --blups            print the BLUPs of every grouping level above the lowest",
        "  --baseline C=L,…   baseline level L for categorical column C",
        "  --factor C,…       treat numeric columns as categorical",
        "  --json FILE        write the fit as JSON (SPEC §7 lmm, with a timing breakdown)",
        "  --cache true       read the data into memory first, so the fit's time excludes reading (benchmarks)",
        "  --time-scan        first time one plain scan of the data (every column), to compare the fit with");
  }

  @Override
  public int run(JobContext ctx) throws Exception {
    Args args = ctx.args();
    Formula formula = Formula.parse(args.require("formula", "the model to fit"));
    String data = args.require("data", "the CSV or Parquet file to fit");
    FitOptions options = options(args);

    long started = System.nanoTime();
    ctx.spark();
    double sparkSeconds = (System.nanoTime() - started) / 1e9;
    long loading = System.nanoTime();
    Dataset<Row> rows = read(ctx, data);
    if (Boolean.parseBoolean(args.getOr("cache", "false"))) {
      rows = rows.cache();
      rows.count();
    }
    double loadSeconds = (System.nanoTime() - loading) / 1e9;
    Double scanSeconds = args.has("time-scan") ? ScanBaseline.seconds(rows) : null;
    LmmFit fit = MixedModel.fit(rows, formula, options);
    double totalSeconds = (System.nanoTime() - started) / 1e9;

    ctx.out().println("Data: " + data);
    ctx.out().print(fit.summary());
    ctx.out().printf(Locale.ROOT,
        "Timing: Spark start %.3f s, load %.3f s, scan/aggregate %.3f s, optimise %.3f s, total %.3f s%n",
        sparkSeconds, loadSeconds, fit.timing().aggregateSeconds(), fit.timing().optimiseSeconds(), totalSeconds);

    Map<String, Object> json = new LinkedHashMap<>(fit.toJsonMap());
    json.put("data", data);
    Map<String, Object> timing = new LinkedHashMap<>();
    timing.put("spark_start_seconds", sparkSeconds);
    timing.put("load_seconds", loadSeconds);
    timing.put("aggregate_seconds", fit.timing().aggregateSeconds());
    timing.put("optimise_seconds", fit.timing().optimiseSeconds());
    if (scanSeconds != null) {
      timing.put("scan_seconds", scanSeconds);
    }
    timing.put("total_seconds", totalSeconds);
    json.put("timing", timing);
    ctx.writeJsonIfAsked(json);
    return 0;
  }

  private static FitOptions options(Args args) {
    FitOptions options = args.has("ml") ? FitOptions.ml() : FitOptions.reml();
    if (args.has("blups")) {
      options = options.withBlups();
    }
    for (String pair : list(args.getOr("baseline", ""))) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw TtoException.of("--baseline '" + pair + "' is not COLUMN=LEVEL", "each baseline names a column and"
            + " its reference level", "write e.g. --baseline gender=2,age_band=18-25");
      }
      options = options.withBaseline(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    for (String column : list(args.getOr("factor", ""))) {
      options = options.withFactor(column);
    }
    return options;
  }

  private static java.util.List<String> list(String s) {
    return java.util.Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  private static Dataset<Row> read(JobContext ctx, String data) {
    boolean remote = data.contains("://");
    if (!remote && !Files.exists(Path.of(data))) {
      throw TtoException.of("--data " + data + " does not exist", "the model is fitted to that file",
          "check the path");
    }
    String lower = data.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv")) {
      return ctx.spark().read().option("header", "true").option("inferSchema", "true").csv(data);
    }
    if (lower.endsWith(".parquet") || !remote && Files.isDirectory(Path.of(data))) {
      return ctx.spark().read().parquet(data);
    }
    throw TtoException.of("--data " + data + " is neither .csv nor .parquet",
        "the lmm command reads CSV (header row) or Parquet", "convert the file or rename it with its format");
  }
}
