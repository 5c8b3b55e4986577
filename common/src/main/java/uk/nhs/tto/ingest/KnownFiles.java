package uk.nhs.tto.ingest;

import java.io.Serializable;
import java.util.Set;

/**
 * The files {@code meta.ingested_files} already holds, to skip: any file whose bytes were ingested or withdrawn
 * (by checksum, wherever it now sits), and a refused file at the same place with the same bytes. A refused file that
 * moves is looked at again, because a refusal for its place (wrong folder or name) may not hold at the new one.
 */
record KnownFiles(
    Set<String> ingestedSha256, Set<String> withdrawnSha256, Set<String> refusedFileAndSha256, Set<String> batchIds)
    implements Serializable {

  static KnownFiles none() {
    return new KnownFiles(Set.of(), Set.of(), Set.of(), Set.of());
  }

  static String refusedKey(String relativePath, String sha256) {
    return sha256 + " " + relativePath;
  }

  boolean contains(String relativePath, String sha256) {
    return ingestedSha256.contains(sha256) || withdrawnSha256.contains(sha256)
        || refusedFileAndSha256.contains(refusedKey(relativePath, sha256));
  }
}
