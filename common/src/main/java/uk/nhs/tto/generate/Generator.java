package uk.nhs.tto.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import uk.nhs.tto.errors.TtoException;

/**
 * Writes a synthetic national extract (SPEC §1) with planted effects: {@code <out>/<service>/<month>/<Table>.csv},
 * plus {@code cohorts.csv} (SPEC §5: each service's training date) and {@code generator.json} (options, planted
 * effects, counts). Services are generated in parallel, each from its own random stream, so the bytes depend only
 * on the options, never on the number of threads.
 */
public final class Generator {

  /** Names of the files beside the service folders. */
  public static final String COHORTS_FILE = "cohorts.csv";

  public static final String SUMMARY_FILE = "generator.json";
  /**
   * The version of the score model ({@code planted.model.version} in generator.json): the same seed gives other
   * scores under another version.
   */
  public static final int MODEL_VERSION = ScoreModel.VERSION;

  private static final Pattern SERVICE_FOLDER = Pattern.compile("T\\d{4}");

  private Generator() {}

  /** Generates the extract; {@code progress} receives one line per finished service. */
  public static GenerationSummary generate(GeneratorOptions options, Consumer<String> progress) {
    Path out = options.out();
    prepare(out);
    List<ServicePlan> plans = ServicePlan.planAll(options);
    int first = Days.of(options.start().minusMonths(ServiceGenerator.BURN_IN_MONTHS + 12L).atDay(1));
    int last = Days.of(options.end().plusMonths(12).atEndOfMonth());
    Days days = new Days(first, last);

    Tally total = new Tally();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.threads(), plans.size()), r -> {
      Thread t = new Thread(r, "tto-generate");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Tally>> futures = new ArrayList<>();
      for (ServicePlan plan : plans) {
        futures.add(pool.submit(() -> {
          Tally t = new ServiceGenerator(options, plan, days).run();
          progress.accept("generated " + plan.code + " (" + t.referrals + " referrals, " + t.finished
              + " finished courses)");
          return t;
        }));
      }
      for (Future<Tally> f : futures) {
        total.merge(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TtoException.withExitCode(TtoException.INFRASTRUCTURE, "Generation of " + out + " was interrupted",
          "the extract is incomplete", "run scripts/tto generate again");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TtoException tto) {
        throw tto;
      }
      throw TtoException.withExitCode(TtoException.INFRASTRUCTURE, "Cannot write the extract under " + out,
          String.valueOf(cause), "check the folder is writable and the disk has room, then run again");
    } finally {
      pool.shutdownNow();
    }

    GenerationSummary summary = new GenerationSummary(options, plans, total);
    try {
      writeCohorts(out.resolve(COHORTS_FILE), plans);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(out.resolve(SUMMARY_FILE).toFile(), summary.toJson());
    } catch (IOException e) {
      throw TtoException.withExitCode(TtoException.INFRASTRUCTURE, "Cannot write " + out.resolve(SUMMARY_FILE),
          e.getMessage(), "check the folder is writable, then run again");
    }
    return summary;
  }

  /** The SPEC §5 cohort file: each service's training date, window and washout. */
  static void writeCohorts(Path file, List<ServicePlan> plans) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("OrgID_Provider,ChangeDate,WindowMonths,WashoutDays\n");
      for (ServicePlan p : plans) {
        w.write(p.code + "," + p.changeDate + "," + p.windowMonths + "," + p.washoutDays + "\n");
      }
    }
  }

  /**
   * Makes {@code out} ready: created if missing; a previous generator output there is replaced whole (a smaller
   * extract must not inherit stale service folders); any other non-empty folder is refused rather than mixed in.
   */
  static void prepare(Path out) {
    try {
      if (Files.isDirectory(out)) {
        boolean empty;
        try (Stream<Path> s = Files.list(out)) {
          empty = s.findAny().isEmpty();
        }
        if (!empty) {
          if (!Files.exists(out.resolve(SUMMARY_FILE))) {
            throw TtoException.of(
                "Output folder " + out + " is not empty and holds no " + SUMMARY_FILE,
                "the generator replaces only its own earlier output, and mixing extracts would corrupt both",
                "choose an empty or new folder for --out");
          }
          removePrevious(out);
        }
      } else if (Files.exists(out)) {
        throw TtoException.of("Output path " + out + " is a file", "the extract is a folder of service folders",
            "choose a folder for --out");
      }
      Files.createDirectories(out);
    } catch (IOException e) {
      throw TtoException.withExitCode(TtoException.INFRASTRUCTURE, "Cannot prepare output folder " + out,
          e.getMessage(), "check the path and its permissions");
    }
  }

  private static void removePrevious(Path out) throws IOException {
    List<Path> doomed = new ArrayList<>();
    try (Stream<Path> s = Files.list(out)) {
      s.filter(p -> SERVICE_FOLDER.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
          .forEach(doomed::add);
    }
    for (Path service : doomed) {
      try (Stream<Path> tree = Files.walk(service)) {
        tree.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.delete(p);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    Files.deleteIfExists(out.resolve(COHORTS_FILE));
    Files.deleteIfExists(out.resolve(SUMMARY_FILE));
  }
}
