package uk.nhs.tto.reliability;

import java.util.ArrayList;
import java.util.List;
import uk.nhs.tto.conform.Quarantine;
import uk.nhs.tto.conform.SilverTables;
import uk.nhs.tto.derive.Derive;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.ingest.IngestTables;

/** The tables each pipeline step writes, for tests that compare a step's whole output between two lakehouses. */
public final class PipelineTables {

  private PipelineTables() {}

  /** bronze.* and quarantine.* of every IDS table, and meta.ingested_files. */
  public static List<String> ingest() {
    List<String> tables = new ArrayList<>();
    for (IdsTable t : IdsTable.values()) {
      tables.add(IngestTables.bronze(t));
      tables.add(IngestTables.quarantine(t));
    }
    tables.add(IngestTables.META);
    return tables;
  }

  /** silver.*, the gold tables and quarantine.* (which derive rewrites its own rows of). */
  public static List<String> derive() {
    List<String> tables = new ArrayList<>(SilverTables.NAMES);
    tables.addAll(Derive.TABLES.stream().filter(t -> !tables.contains(t)).toList());
    for (IdsTable t : IdsTable.values()) {
      tables.add(Quarantine.tableOf(t));
    }
    return tables;
  }
}
