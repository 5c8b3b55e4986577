/**
 * Ingest: extract folders ({@code <OrgID_Provider>/<Unique_MonthID>/<Table>.csv|.parquet}) into the bronze,
 * quarantine and {@code meta.ingested_files} tables of the lakehouse contract.
 *
 * <p>Entry point {@link uk.nhs.tto.ingest.Ingest}; its result {@link uk.nhs.tto.ingest.IngestResult}. The shape of
 * a run:
 *
 * <ol>
 *   <li><b>List</b> every file below the root through Hadoop's FileSystem (local or {@code s3a://}); a file whose
 *       place or name is not an extract's is refused, never ignored ({@code ExtractListing}).
 *   <li><b>Survey</b> every file on executors in one Spark job: SHA-256 of its bytes; a file already in
 *       {@code meta.ingested_files} is skipped there; a new one is checked against every file rule of SPEC §1
 *       (UTF-8 CSV or readable Parquet, header, direct identifiers by name and by value) and each row against the
 *       structural rules, counting accepted and quarantined rows ({@code FileInspector}, {@code RowRules}). Only
 *       these per-file summaries reach the driver.
 *   <li><b>Write</b> per table one Spark job streaming the accepted rows into {@code bronze.<table>} and, where the
 *       survey counted any, one streaming the rest into {@code quarantine.<table>} ({@code BronzeRows},
 *       {@code QuarantineRows}); identifiers are pseudonymised on the way ({@link
 *       uk.nhs.tto.ingest.Pseudonymiser}, keyed by {@link uk.nhs.tto.ingest.PseudonymisationKey}).
 *   <li><b>Record</b> every new file in {@code meta.ingested_files}, last.
 * </ol>
 *
 * <p>Crash safety: the appends of a batch carry Delta's {@code txnAppId}/{@code txnVersion}, and a marker names the
 * batch until {@code meta.ingested_files} is written ({@code IngestLedger}), so a killed run re-run on the same
 * files skips what was committed and completes the rest, and one re-run on changed files first removes what the
 * killed run appended. A file's bytes are checked against its survey checksum as they are written, so a file
 * changed mid-run fails the run instead of entering unchecked.
 */
package uk.nhs.tto.ingest;
