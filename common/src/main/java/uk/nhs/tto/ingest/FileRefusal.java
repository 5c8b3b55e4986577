package uk.nhs.tto.ingest;

/**
 * A whole extract file is refused (SPEC §1): none of its rows is ingested and {@code meta.ingested_files} records
 * it with this reason, which says which file, why and how to fix it (and never quotes a value).
 */
final class FileRefusal extends Exception {

  private static final long serialVersionUID = 1L;

  FileRefusal(String reason) {
    super(reason, null, false, false);
  }

  String reason() {
    return getMessage();
  }
}
