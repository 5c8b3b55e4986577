/**
 * Data-quality rules shared by the pipeline's stages: the structural row rules ingest quarantines by
 * ({@link uk.nhs.tto.quality.StructuralRule}) and the recognition of direct identifiers that refuse a file
 * ({@link uk.nhs.tto.quality.DirectIdentifiers}).
 */
package uk.nhs.tto.quality;
