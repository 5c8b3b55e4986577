/**
 * The cohort evaluation (SPEC §5): per domain, the difference-in-differences of courses that started after a
 * service's change (post) against those discharged before it (pre), from the mixed model
 * {@code score ~ time * cohort + covariates + (1 | service/therapist/client)} fitted by {@link uk.nhs.tto.stats}.
 *
 * <p>Entry point: {@link uk.nhs.tto.analysis.CohortAnalysis#run} reads {@code gold.courses} and
 * {@code gold.score_pairs} at Delta versions pinned by {@link uk.nhs.tto.analysis.AsOf} (latest, a version, a
 * timestamp or an earlier run's recorded versions; see {@link uk.nhs.tto.analysis.PinnedInputs} for why one version
 * number names one derive run), builds the model's data ({@link uk.nhs.tto.analysis.DidData}: finished pre and post
 * courses of the configured intensity, two rows per course), describes each cohort and fits all domains from one
 * aggregation ({@code MixedModel.fitBySplit} on the measure), and writes {@code results.did} (one row per domain,
 * {@link uk.nhs.tto.analysis.DidTable}) then {@code results.runs} (provenance, {@link
 * uk.nhs.tto.analysis.RunsTable}) — one Delta commit each, runs last.
 *
 * <p>Everything here is raw (inside the lakehouse); {@link uk.nhs.tto.report.Publication} applies disclosure
 * control to whatever leaves it.
 */
package uk.nhs.tto.analysis;
