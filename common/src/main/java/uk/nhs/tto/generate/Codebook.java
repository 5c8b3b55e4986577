package uk.nhs.tto.generate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import uk.nhs.tto.errors.TtoException;

/**
 * The codes the generator writes, taken from the project's catalogues so that synthetic data always uses the
 * codes the pipeline reads: score codes per domain from {@code conf/measures.csv} and therapy-type codes per
 * intensity from {@code conf/therapy-codes.csv}.
 */
public final class Codebook {

  private final Map<Domain, List<String>> measureCodes;
  private final List<String> scoreCodes = new ArrayList<>();
  private final int[] offsets = new int[Domain.values().length];
  private final List<String> highCodes;
  private final List<String> lowCodes;

  Codebook(Map<Domain, List<String>> measureCodes, List<String> highCodes, List<String> lowCodes) {
    this.measureCodes = measureCodes;
    for (Domain d : Domain.values()) {
      offsets[d.ordinal()] = scoreCodes.size();
      scoreCodes.addAll(measureCodes.get(d));
    }
    this.highCodes = List.copyOf(highCodes);
    this.lowCodes = List.copyOf(lowCodes);
  }

  /** Reads the measure catalogue and the therapy-type code list (CSV with a header, {@code #} comments). */
  public static Codebook load(Path measures, Path therapyCodes) {
    Map<Domain, List<String>> codes = new EnumMap<>(Domain.class);
    for (String[] row : rows(measures, "measure,domain,code")) {
      Domain.byName(row[1].trim()).ifPresent(d -> codes.computeIfAbsent(d, k -> new ArrayList<>()).add(row[2].trim()));
    }
    for (Domain d : Domain.values()) {
      int have = codes.getOrDefault(d, List.of()).size();
      if (have != d.items()) {
        throw TtoException.of(
            measures + " lists " + have + " code(s) for domain " + d.label(),
            "the generator scores " + d.label() + " with " + d.items() + " code(s) (SPEC §2)",
            "restore the " + d.label() + " rows of the measure catalogue");
      }
    }
    List<String> high = new ArrayList<>();
    List<String> low = new ArrayList<>();
    for (String[] row : rows(therapyCodes, "code,intensity")) {
      String intensity = row[1].trim();
      if (intensity.equals("HIGH")) {
        high.add(row[0].trim());
      } else if (intensity.equals("LOW")) {
        low.add(row[0].trim());
      }
    }
    if (high.isEmpty() || low.isEmpty()) {
      throw TtoException.of(
          therapyCodes + " has no " + (high.isEmpty() ? "HIGH" : "LOW") + " intensity code",
          "the generator needs both intensities to write care activities",
          "add at least one code of each intensity");
    }
    return new Codebook(codes, high, low);
  }

  /** Codes of a domain: one for a total (PHQ-9, GAD-7), one per item for multi-item measures, in catalogue order. */
  public List<String> codes(Domain d) {
    return measureCodes.get(d);
  }

  /** Every score code, domain by domain: a score record names its code by position in this list. */
  List<String> scoreCodes() {
    return scoreCodes;
  }

  /** Position of a domain's first code in {@link #scoreCodes()}. */
  int offset(Domain d) {
    return offsets[d.ordinal()];
  }

  public List<String> highIntensityCodes() {
    return highCodes;
  }

  public List<String> lowIntensityCodes() {
    return lowCodes;
  }

  private static List<String[]> rows(Path file, String headerStart) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw TtoException.of(
          "Cannot read " + file, e.getMessage(), "run from the project folder or pass the catalogue's path", e);
    }
    List<String[]> out = new ArrayList<>();
    boolean header = false;
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (!header) {
        if (!line.startsWith(headerStart)) {
          throw TtoException.of(
              file + " starts with '" + line + "'",
              "its header must begin with " + headerStart,
              "restore the catalogue's header row");
        }
        header = true;
        continue;
      }
      out.add(line.split(",", -1));
    }
    return out;
  }
}
