package uk.nhs.tto.ingest;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What surveying one extract file found: its checksum and whether it is skipped (already ingested), refused
 * (with the reason) or to be ingested, with its header and how its rows divide between bronze and quarantine.
 * Only these per-file summaries travel to the driver.
 *
 * @param rules quarantined rows per structural rule id
 */
record FileSurvey(
    ExtractFile file,
    String sha256,
    Status status,
    String reason,
    List<String> header,
    long rowsRead,
    long rowsAccepted,
    long rowsQuarantined,
    Map<String, Long> rules)
    implements Serializable {

  /** The fate of a file in this run; INGESTED and REFUSED are also {@code meta.ingested_files.status}. */
  enum Status {
    SKIPPED,
    INGESTED,
    REFUSED
  }

  static FileSurvey skipped(ExtractFile file, String sha256) {
    return new FileSurvey(file, sha256, Status.SKIPPED, null, List.of(), 0, 0, 0, new TreeMap<>());
  }

  static FileSurvey refused(ExtractFile file, String sha256, String reason) {
    return new FileSurvey(file, sha256, Status.REFUSED, reason, List.of(), 0, 0, 0, new TreeMap<>());
  }

  static FileSurvey ingested(
      ExtractFile file, String sha256, List<String> header, long accepted, long quarantined, Map<String, Long> rules) {
    return new FileSurvey(
        file, sha256, Status.INGESTED, null, List.copyOf(header), accepted + quarantined, accepted, quarantined,
        new TreeMap<>(rules));
  }
}
