package uk.nhs.tto.ingest;

import java.io.Serializable;
import java.util.Locale;

/**
 * One file found under the extracts root, with what its place says: the table, the service
 * ({@code OrgID_Provider}) and month ({@code Unique_MonthID}) of its folder, or why its place is not an
 * extract's place ({@link #placementProblem()}, which refuses the file).
 *
 * @param path full Hadoop path (local or {@code s3a://})
 * @param relativePath path below the extracts root, e.g. {@code T0001/1489/IDS101Referral.csv}: the file's name
 *     in lineage columns, messages and {@code meta.ingested_files}
 * @param table the IDS table its name gives, or null
 * @param format CSV or Parquet by its extension, or null
 * @param serviceId the folder's OrgID_Provider, or null when the folder is not one
 * @param monthId the folder's Unique_MonthID, or null when the folder is not one
 */
record ExtractFile(
    String path,
    String relativePath,
    long size,
    IdsTable table,
    Format format,
    String serviceId,
    Integer monthId,
    String placementProblem)
    implements Serializable {

  /** How an extract file is encoded, by its extension. */
  enum Format {
    CSV,
    PARQUET;

    static Format forFileName(String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".csv")) {
        return CSV;
      }
      return lower.endsWith(".parquet") ? PARQUET : null;
    }
  }
}
