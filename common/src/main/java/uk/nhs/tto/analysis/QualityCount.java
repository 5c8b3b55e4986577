package uk.nhs.tto.analysis;

/** Rows quarantined in one table at one stage under one rule: a line of the report's data-quality summary. */
public record QualityCount(String table, String stage, String rule, long rows) {}
