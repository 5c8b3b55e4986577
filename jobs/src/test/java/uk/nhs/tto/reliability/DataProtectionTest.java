package uk.nhs.tto.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.config.Keys;
import uk.nhs.tto.config.Settings;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.jobs.Args;
import uk.nhs.tto.jobs.Job;
import uk.nhs.tto.jobs.JobContext;
import uk.nhs.tto.jobs.ReportJob;
import uk.nhs.tto.jobs.StatusJob;
import uk.nhs.tto.testing.SparkExtension;

/**
 * One full pipeline run ({@code scripts/tto run-local} as its own JVM, Spark logging at INFO, Parquet written
 * uncompressed) over a synthetic extract, the clean service and hostile cases that put identifiers into
 * quarantine and refusals; then every output is searched: the key must appear nowhere in any encoding, no
 * delivered identifier value anywhere, and every count leaving the lakehouse must obey SPEC §6.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataProtectionTest {

  private static final String SUITE = "Data protection (one full run, every output searched)";

  /** Cases whose identifiers end up in quarantine records, refusal reasons, or nowhere (a refused file). */
  private static final String[] CASES = {
    "unterminated-quote", "too-few-values", "header-line-repeated", "missing-key", "orphan-contacts",
    "orphan-of-a-quarantined-referral", "not-utf8", "nhs-number-values", "postcode-values", "duplicate-key-across-files"
  };

  private String key;
  private Path tmp;
  private Path extracts;
  private Path lake;
  private Path reports;
  private Path json;
  private TtoProcess.Result run;
  private TtoProcess.Started clusterWithoutKey;
  private Printed report;
  private Printed status;

  /** What an in-process command printed. */
  private record Printed(String stdout, String stderr) {}
  private Map<String, byte[]> outputs;

  @BeforeAll
  void runTheWholePipelineOnce(SparkSession spark, @TempDir Path tmp) throws IOException {
    this.tmp = tmp;
    byte[] random = new byte[30];
    new SecureRandom().nextBytes(random);
    key = "k" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    extracts = tmp.resolve("extracts");
    Path generatedCohorts = SyntheticExtract.write(extracts, 3, 60, 11);
    HostileCorpus.writeClean(extracts);
    HostileCorpus.writeCases(extracts, CASES);
    Path cohorts = tmp.resolve("cohorts.csv");
    Files.writeString(cohorts, Files.readString(generatedCohorts) + TestLakes.COHORTS.lines().skip(1).findFirst()
        .orElseThrow() + "\n");
    lake = tmp.resolve("lake");
    reports = tmp.resolve("reports");
    json = tmp.resolve("out/run-local.json");
    Path conf = tmp.resolve("test.conf");
    Files.writeString(conf, "tto.reports = " + reports + "\n"
        // Uncompressed Parquet, so that searching the lakehouse's bytes also searches its table data.
        + "tto.spark.spark.sql.parquet.compression.codec = uncompressed\n"
        // Two subgroup dimensions (one is service) still write every subgroup page and CSV, at a fraction of the cost.
        + "tto.subgroups.dimensions = age_band,service\n");
    Path log4j = tmp.resolve("log4j2.properties");
    Files.writeString(log4j, Files.readString(ProjectTree.conf("log4j2.properties"))
        .replace("rootLogger.level = warn", "rootLogger.level = info")
        .replace("logger.delta.level = warn", "logger.delta.level = info"));
    // Started first and left to run beside the pipeline: it should stop at once, before writing anything.
    TtoProcess keyless =
        TtoProcess.of("ingest", "--profile", "cluster", "--extracts", extracts.toString(), "--lake",
                tmp.resolve("cluster-lake").toString())
            .logTo(tmp.resolve("logs"), "cluster-without-key");
    if (!Files.exists(ProjectTree.conf("cluster.conf"))) {
      // Until the cluster profile's file is on this branch, its rule is set the way a profile sets it.
      keyless.env("TTO_PSEUDONYMISATION_KEY_REQUIRED", "true");
    }
    clusterWithoutKey = keyless.start();
    run =
        TtoProcess.of("run-local", "--extracts", extracts.toString(), "--lake", lake.toString(), "--cohorts",
                cohorts.toString(), "--conf", conf.toString(), "--json", json.toString())
            .env("TTO_PSEUDONYMISATION_KEY", key)
            .jvm("-Dlog4j2.configurationFile=file:" + log4j)
            .logTo(tmp.resolve("logs"), "run-local")
            .run();
    assertThat(run.exitCode()).as(run.describe()).isZero();
    // report prints analyse's headline table and writes analyse's JSON summary (AnalyseAndReportJobsTest checks they
    // are the same), from the run's results, without a second analysis.
    report = inProcess(new ReportJob(), "report", conf, cohorts, "--json", tmp.resolve("out/report.json").toString());
    status = inProcess(new StatusJob(), "status", conf, cohorts, "--json", tmp.resolve("out/status.json").toString());
    outputs = outputs(spark);
  }

  @Test
  void theKeyAppearsInNoLogTableOrReportInAnyEncoding() {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    Map<String, String> forms = new LinkedHashMap<>();
    forms.put("text", key);
    forms.put("hex", HexFormat.of().formatHex(bytes));
    forms.put("HEX", HexFormat.of().withUpperCase().formatHex(bytes));
    forms.put("base64", Base64.getEncoder().encodeToString(bytes));
    forms.put("base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    // A third of the key's text is already a recognisable leak (an abbreviated or wrapped print of it).
    forms.put("first third", key.substring(0, key.length() / 3));
    List<String> found = new ArrayList<>();
    outputs.forEach((where, content) -> forms.forEach((form, text) -> {
      if (indexOf(content, text.getBytes(StandardCharsets.ISO_8859_1)) >= 0) {
        found.add(form + " in " + where);
      }
    }));
    ReliabilityLog.record(SUITE, "pseudonymisation key in an output", found.isEmpty(),
        "the key (as text, hex, base64) in none of stdout, stderr (Spark at INFO), lakehouse files, table"
            + " contents, report, JSON",
        found.isEmpty() ? "absent from all " + outputs.size() + " outputs" : "found: " + found);
    assertThat(outputs).containsKeys("stdout", "stderr", "report stdout", "status stdout", "out/run-local.json",
        "out/report.json", "out/status.json");
    assertThat(found).isEmpty();
  }

  @Test
  void noDeliveredIdentifierValueAppearsInAnyTableLogOrReport() throws IOException {
    Set<String> delivered = deliveredIdentifiers();
    // Positive control: the same search finds them in the extracts they came from.
    Set<String> inExtracts = new TreeSet<>();
    try (Stream<Path> files = Files.walk(extracts)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        inExtracts.addAll(tokensIn(Files.readAllBytes(f), delivered));
      }
    }
    List<String> found = new ArrayList<>();
    outputs.forEach((where, content) -> {
      Set<String> hits = tokensIn(content, delivered);
      // The NHS number and postcode of the two refused files must not be quoted anywhere either.
      for (String direct : List.of("943 476 5919", "LS1 4AP")) {
        if (indexOf(content, direct.getBytes(StandardCharsets.ISO_8859_1)) >= 0) {
          hits.add(direct);
        }
      }
      if (!hits.isEmpty()) {
        found.add(where + ": " + hits.stream().limit(5).toList());
      }
    });
    ReliabilityLog.record(SUITE, "delivered Person_ID, PathwayID or CareProfLocalId value in an output",
        found.isEmpty(),
        "none of the " + delivered.size() + " delivered values in any output (quarantined and refused rows included)",
        found.isEmpty() ? "absent from all " + outputs.size() + " outputs" : "found: " + found);
    assertThat(delivered).hasSizeGreaterThan(100).contains("H04P2", "H03U1", "CLT01");
    assertThat(inExtracts).isEqualTo(delivered);
    assertThat(found).isEmpty();
  }

  @Test
  void everyCountThatLeavesTheLakehouseIsDisclosureControlled() throws IOException {
    DisclosureScan scan = new DisclosureScan();
    scan.printedTables("run-local stdout", run.stdout());
    scan.printedNationalMetrics("run-local stdout", run.stdout());
    scan.printedTables("report stdout", report.stdout());
    List<String> files = new ArrayList<>();
    for (Path root : List.of(json.getParent(), reports)) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          String name = tmp.relativize(f).toString();
          files.add(name);
          if (name.endsWith(".html")) {
            scan.html(name, Files.readString(f));
          } else if (name.endsWith(".csv")) {
            scan.csv(name, Files.readString(f));
          } else if (name.endsWith(".json")) {
            scan.json(name, Files.readString(f));
          } else {
            scan.unknown(name);
          }
        }
      }
    }
    ReliabilityLog.record(SUITE, "a count under 5 (or unrounded) leaving the lakehouse", scan.problems().isEmpty(),
        "every count of people in printed tables, JSON summaries, report HTML and CSVs is * or a multiple of 5;"
            + " national totals * or exact",
        scan.problems().isEmpty()
            ? scan.checked() + " counts checked, " + scan.suppressed() + " shown as *"
            : String.join("; ", scan.problems()));
    assertThat(scan.problems()).isEmpty();
    // Every kind of output a full run leaves: the three JSON summaries, the report page and its CSVs.
    assertThat(files).contains("out/run-local.json", "out/report.json")
        .anyMatch(f -> f.endsWith("/index.html")).anyMatch(f -> f.endsWith("/did.csv"))
        .anyMatch(f -> f.endsWith("/subgroups.csv")).anyMatch(f -> f.endsWith("/service_variation.csv"));
    assertThat(scan.checked()).as("counts found to check").isGreaterThan(20);
    assertThat(scan.suppressed()).as("small counts suppressed").isPositive();
  }

  @Test
  void theClusterProfileRefusesToRunWithoutAKey() {
    Path lakeDir = tmp.resolve("cluster-lake");
    TtoProcess.Result refused = clusterWithoutKey.await();
    boolean asExpected =
        refused.exitCode() == 2
            && refused.stderr().contains("No pseudonymisation key")
            && refused.stderr().contains("TTO_PSEUDONYMISATION_KEY")
            && !Files.exists(lakeDir.resolve("bronze"));
    // Until wt-ops' conf/cluster.conf is on this branch the rule comes from TTO_PSEUDONYMISATION_KEY_REQUIRED.
    String profile = Files.exists(ProjectTree.conf("cluster.conf"))
        ? "--profile cluster (conf/cluster.conf)"
        : "--profile cluster with tto.pseudonymisation.key.required = true from the environment"
            + " (no conf/cluster.conf yet)";
    ReliabilityLog.record(SUITE, "cluster profile started without a pseudonymisation key", asExpected,
        "exit 2 before anything is written, saying how to provide the key; " + profile,
        "exit " + refused.exitCode() + ": " + refused.stderr().lines()
            .filter(l -> l.contains("pseudonymisation key")).findFirst().orElse("(no message)"));
    assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(2);
    assertThat(refused.stderr()).contains("No pseudonymisation key").contains("TTO_PSEUDONYMISATION_KEY");
    assertThat(lakeDir.resolve("bronze")).doesNotExist();
  }

  // ---- what leaves the run ------------------------------------------------------------------------------------

  /**
   * Every output of the run by name (read once, after the run): what run-local, analyse and report printed, each
   * JSON summary, each file under the lakehouse and the reports (raw bytes), and each Delta table's rows as JSON
   * text (read by Spark, whatever the file encoding).
   */
  private Map<String, byte[]> outputs(SparkSession spark) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("stdout", run.stdout().getBytes(StandardCharsets.UTF_8));
    out.put("stderr", run.stderr().getBytes(StandardCharsets.UTF_8));
    out.put("report stdout", report.stdout().getBytes(StandardCharsets.UTF_8));
    out.put("report stderr", report.stderr().getBytes(StandardCharsets.UTF_8));
    out.put("status stdout", status.stdout().getBytes(StandardCharsets.UTF_8));
    out.put("status stderr", status.stderr().getBytes(StandardCharsets.UTF_8));
    try {
      for (Path root : List.of(json.getParent(), lake, reports)) {
        try (Stream<Path> files = Files.walk(root)) {
          for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
            out.put(tmp.relativize(f).toString(), Files.readAllBytes(f));
          }
        }
      }
      try (Stream<Path> logs = Files.walk(lake)) {
        for (Path log : logs.filter(p -> p.getFileName().toString().equals("_delta_log")).sorted().toList()) {
          Path table = log.getParent();
          String text = String.join("\n", spark.read().format("delta").load(table.toString()).toJSON()
              .collectAsList());
          out.put("rows of " + lake.relativize(table), text.getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Runs a command in this JVM (on the shared SparkSession) with run-local's settings and lakehouse, as
   * {@code scripts/tto} would after the run, and returns what it printed.
   */
  private Printed inProcess(Job job, String command, Path conf, Path cohorts, String... args) throws IOException {
    Settings settings =
        Settings.resolve(ProjectTree.conf("local.conf"), conf, Map.of(),
            Map.of(Keys.LAKE, lake.toString(), Keys.COHORTS, cohorts.toString(),
                Keys.MEASURES, ProjectTree.conf("measures.csv").toString(),
                Keys.THERAPY_CODES, ProjectTree.conf("therapy-codes.csv").toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      try {
        code = job.run(new JobContext(Args.parse(command, args, Set.of()), settings, o, e));
      } catch (Exception ex) {
        throw new IllegalStateException(command + " failed: " + err.toString(StandardCharsets.UTF_8), ex);
      }
    }
    Printed printed = new Printed(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    assertThat(code).as(command + ": " + printed.stderr()).isZero();
    return printed;
  }

  /** Every value of a pseudonymised column in every CSV extract file, refused files included. */
  private Set<String> deliveredIdentifiers() throws IOException {
    Set<String> values = new TreeSet<>();
    try (Stream<Path> files = Files.walk(extracts)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).toList()) {
        List<String> lines = List.of(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).split("\r?\n"));
        if (lines.isEmpty()) {
          continue;
        }
        // Split at every comma, quotes or not: a broken line's identifiers must be found too.
        String[] header = lines.get(0).replace("\u00ef\u00bb\u00bf", "").split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
          String[] cells = line.split(",", -1);
          for (int c = 0; c < header.length && c < cells.length; c++) {
            String value = cells[c].replace("\"", "").trim();
            if (IdsTable.PSEUDONYMISED.contains(header[c].trim()) && !value.isEmpty() && !value.equals(header[c])) {
              values.add(value);
            }
          }
        }
      }
    }
    return values;
  }

  /** Which of {@code wanted} occur in {@code content} as whole tokens (letters, digits, '-' and '_'). */
  private static Set<String> tokensIn(byte[] content, Set<String> wanted) {
    Set<String> hits = new TreeSet<>();
    for (String token : new String(content, StandardCharsets.ISO_8859_1).split("[^A-Za-z0-9_\\-\\xe9]+")) {
      if (wanted.contains(token)) {
        hits.add(token);
      }
    }
    return hits;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
