/**
 * What leaves the lakehouse about an analysis run: {@link uk.nhs.tto.report.Publication} is the one place SPEC §6's
 * disclosure control is applied to a run's results (counts, means, estimates), and the renderers lay out only what
 * it gives — {@link uk.nhs.tto.report.HtmlReport} (a self-contained page), {@code did.csv}, the SPEC §7 JSON and
 * terminal tables ({@link uk.nhs.tto.report.TextTable}). {@link uk.nhs.tto.report.Report#write} writes
 * {@code <reports>/<run-id>/index.html} and {@code did.csv} from {@code results.did} and {@code results.runs} alone.
 */
package uk.nhs.tto.report;
