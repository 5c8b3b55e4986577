package uk.nhs.tto.conform;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.tto.catalog.MeasureCatalog;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.lake.Lake;
import uk.nhs.tto.lake.Sessions;
import uk.nhs.tto.lake.SideBySide;

/**
 * Bronze to silver (SPEC §1): types each IDS table, keeps the winning row of each key, checks the winner's row
 * rules in order, writes the accepted rows to silver, the broken ones to their quarantine table (stage
 * {@code derive}, replacing that stage's previous rows) and accounts for every bronze row.
 *
 * <p>Tables are conformed parent first (referrals, then contacts, then what hangs off them) so that a row whose
 * referral or care contact was quarantined is found to be an orphan by joining the parent's silver table; two
 * tables whose parents are already written are conformed side by side. A table's silver write also counts its rows
 * by status; only a table with quarantined rows reads its bronze a second time, for its quarantine write.
 */
public final class Conform {

  static final String ACCEPTED = "ACCEPTED";
  static final String SUPERSEDED = "SUPERSEDED";

  /** Lineage columns carried into quarantine rows: those of the quarantine schema that bronze also has. */
  private static final List<String> LINEAGE =
      Arrays.stream(Quarantine.SCHEMA.fieldNames()).filter(BronzeSchema.LINEAGE_NAMES::contains).toList();

  /** Columns every silver table starts with. */
  private static final List<String> SUBMISSION = List.of("service_id", "month_id", "submission_id");

  private static final Column REFERRAL_ORPHAN =
      lit("PathwayID matches no accepted referral (it is missing from IDS101Referral, or that referral was"
          + " quarantined)");

  private static final Column CONTACT_ORPHAN =
      concat(
          lit("Unique_CareContactID '"), col("contact_id"),
          lit("' is not an accepted care contact of this PathwayID (missing from IDS201CareContact, quarantined,"
              + " of another referral, or its referral was quarantined)"));

  /**
   * An upper estimate of the bytes a silver table's rows take shuffled, per byte of its Parquet (the national
   * year's silver.contacts: 192 MB of Parquet, its join columns shuffled in 533 MB, 2.8 times).
   */
  static final long SHUFFLED_PER_PARQUET_BYTE = 4;

  private final Lake lake;
  private final MeasureCatalog catalogue;
  /** The version of each bronze table this run reads, whatever is committed to bronze while it runs. */
  private final BronzeVersions bronze;
  /** Whether care contacts are joined to their children by hash (set once silver.contacts is written). */
  private volatile boolean hashContacts;
  /** Per table, in table order whatever order the tables were conformed in. */
  private final Map<IdsTable, List<String>> warnings = Collections.synchronizedMap(new EnumMap<>(IdsTable.class));

  private final Map<IdsTable, Reconciliation> reconciliations =
      Collections.synchronizedMap(new EnumMap<>(IdsTable.class));

  private Conform(Lake lake, MeasureCatalog catalogue, BronzeVersions bronze) {
    this.lake = lake;
    this.catalogue = catalogue;
    this.bronze = bronze;
  }

  /**
   * Conforms every bronze table of {@code lake}, each at its version in {@code bronze}, into silver.* and
   * quarantine.* (stage derive); each silver commit records {@code bronze}. A bronze table absent from
   * {@code bronze} is read as empty.
   */
  public static ConformResult run(Lake lake, MeasureCatalog catalogue, BronzeVersions bronze) {
    Conform c = new Conform(lake, catalogue, bronze);
    c.requireSomeBronze();
    // Two tables at a time, each pair needing only silver tables already written: one table's driver-side work
    // (planning, Delta commits and log snapshots) then overlaps the other's tasks instead of leaving cores idle.
    SideBySide.run("derive-conform", c::persons, c::referrals);
    SideBySide.run("derive-conform", c::contacts, c::complaints);
    c.hashContacts = c.contactsFitHashJoin();
    SideBySide.run("derive-conform", c::activities, c::assessments);
    List<String> warnings = new ArrayList<>();
    c.warnings.values().forEach(warnings::addAll);
    return new ConformResult(c.reconciliations, warnings);
  }

  private void persons() {
    Classified persons =
        classify(
            IdsTable.IDS001MPI,
            List.of(
                text("Person_ID", "person_id"), integer("Age", "age"), text("Gender", "gender"),
                text("EthnicCategory", "ethnic_category"), integer("IMD_Decile", "imd_decile")),
            UnaryOperator.identity(),
            List.of(
                RowCheck.required(
                    nullOf("Person_ID", "person_id", "Age", "age", "Gender", "gender", "EthnicCategory",
                        "ethnic_category"))),
            List.of("person_id", "age", "gender", "ethnic_category", "imd_decile"));
    writeSilver(persons);
    finish(persons);
  }

  private void referrals() {
    Map<String, Column> required =
        nullOf("PathwayID", "pathway_id", "Person_ID", "person_id", "ReferralRequestReceivedDate", "referral_date");
    required.put("EndCode", col("end_code").isNull().and(col("discharge_date").isNotNull()));
    Classified referrals =
        classify(
            IdsTable.IDS101Referral,
            List.of(
                text("PathwayID", "pathway_id"), text("Person_ID", "person_id"),
                date("ReferralRequestReceivedDate", "referral_date"), date("ServDischDate", "discharge_date"),
                text("EndCode", "end_code")),
            UnaryOperator.identity(),
            List.of(
                RowCheck.required(required),
                RowCheck.datesWithinMonth(
                    ordered("ReferralRequestReceivedDate", col("referral_date"), "ServDischDate",
                        col("discharge_date"))),
                RowCheck.dischargeNotBeforeReferral(col("referral_date"), col("discharge_date"))),
            List.of("pathway_id", "person_id", "referral_date", "discharge_date", "end_code"));
    writeSilver(referrals);
    finish(referrals);
  }

  private void contacts() {
    Classified contacts =
        classify(
            IdsTable.IDS201CareContact,
            List.of(
                text("Unique_CareContactID", "contact_id"), text("PathwayID", "pathway_id"),
                date("CareContDate", "contact_date"), text("CareContTime", "contact_time"),
                ContactCodes.normalAppType(col("AppType")).as("app_type"),
                ContactCodes.normalAttendCode(col("AttendOrDNACode")).as("attend_code"),
                text("CareProfLocalId", "care_prof_id")),
            this::withReferral,
            List.of(
                RowCheck.required(
                    nullOf("Unique_CareContactID", "contact_id", "PathwayID", "pathway_id", "CareContDate",
                        "contact_date", "AppType", "app_type", "AttendOrDNACode", "attend_code", "CareProfLocalId",
                        "care_prof_id")),
                RowCheck.datesWithinMonth(ordered("CareContDate", col("contact_date"))),
                RowCheck.hasParent(col("_referral_found"), REFERRAL_ORPHAN)),
            List.of("contact_id", "pathway_id", "contact_date", "contact_time", "app_type", "attend_code",
                "care_prof_id"));
    writeSilver(contacts);
    finish(contacts);
  }

  private void activities() {
    Classified activities =
        classify(
            IdsTable.IDS202CareActivity,
            List.of(
                text("Unique_CareActivityID", "activity_id"), text("Unique_CareContactID", "contact_id"),
                text("PathwayID", "pathway_id"), text("CodeProcAndProcStatus", "therapy_code")),
            this::withContact,
            List.of(
                RowCheck.required(
                    nullOf("Unique_CareActivityID", "activity_id", "Unique_CareContactID", "contact_id", "PathwayID",
                        "pathway_id", "CodeProcAndProcStatus", "therapy_code")),
                RowCheck.hasParent(col("_contact_found"), CONTACT_ORPHAN)),
            List.of("activity_id", "contact_id", "pathway_id", "therapy_code"));
    writeSilver(activities);
    finish(activities);
  }

  private void complaints() {
    Classified complaints =
        classify(
            IdsTable.IDS603PresentingComplaints,
            List.of(
                text("PathwayID", "pathway_id"), text("PresComp", "complaint_code"),
                date("PresCompDate", "complaint_date")),
            this::withReferral,
            List.of(
                RowCheck.required(
                    nullOf("PathwayID", "pathway_id", "PresComp", "complaint_code", "PresCompDate", "complaint_date")),
                RowCheck.datesWithinMonth(ordered("PresCompDate", col("complaint_date"))),
                RowCheck.hasParent(col("_referral_found"), REFERRAL_ORPHAN)),
            List.of("pathway_id", "complaint_code", "complaint_date"));
    writeSilver(complaints);
    finish(complaints);
  }

  /** Both scored-assessment tables feed one silver table, so both stay persisted until it is written. */
  private void assessments() {
    List<String> silver =
        List.of("source", "record_id", "pathway_id", "contact_id", "code", "measure", "domain", "score",
            "occasion_date", "occasion_time", "app_type", "attend_code");
    Classified referralScores =
        classify(
            IdsTable.IDS606CodedScoreAssessmentRefer,
            scoreColumns("IDS606", "UniqueID_IDS606", lit(null).cast(DataTypes.StringType),
                date("AssToolCompDate", "occasion_date")),
            d ->
                withCatalogue(withReferral(d))
                    .withColumn("occasion_time", lit(null).cast(DataTypes.StringType))
                    .withColumn("app_type", lit(null).cast(DataTypes.StringType))
                    .withColumn("attend_code", lit(null).cast(DataTypes.StringType)),
            List.of(
                RowCheck.required(
                    nullOf("UniqueID_IDS606", "record_id", "PathwayID", "pathway_id", "CodedAssToolType", "code",
                        "PersScore", "score_text", "AssToolCompDate", "occasion_date")),
                RowCheck.datesWithinMonth(ordered("AssToolCompDate", col("occasion_date"))),
                RowCheck.knownMeasure(col("code"), col("measure")),
                scoreIsNumber(),
                scoreInRange(),
                RowCheck.hasParent(col("_referral_found"), REFERRAL_ORPHAN)),
            silver);
    Classified contactScores =
        classify(
            IdsTable.IDS607CodedScoreAssessmentAct,
            scoreColumns("IDS607", "UniqueID_IDS607", col("Unique_CareContactID"), null),
            // The occasion of an IDS607 score is its care contact: date, time and whether it counts come from it.
            d ->
                withCatalogue(withContact(d))
                    .withColumn("occasion_date", col("_c_date"))
                    .withColumn("occasion_time", col("_c_time"))
                    .withColumn("app_type", col("_c_app"))
                    .withColumn("attend_code", col("_c_attend")),
            List.of(
                RowCheck.required(
                    nullOf("UniqueID_IDS607", "record_id", "PathwayID", "pathway_id", "Unique_CareContactID",
                        "contact_id", "CodedAssToolType", "code", "PersScore", "score_text")),
                RowCheck.knownMeasure(col("code"), col("measure")),
                scoreIsNumber(),
                scoreInRange(),
                RowCheck.hasParent(col("_contact_found"), CONTACT_ORPHAN)),
            silver);
    writeSilver(referralScores, contactScores);
    finish(referralScores);
    finish(contactScores);
  }

  private static List<Column> scoreColumns(String source, String recordId, Column contactId, Column occasionDate) {
    List<Column> cols = new ArrayList<>();
    cols.add(lit(source).as("source"));
    cols.add(text(recordId, "record_id"));
    cols.add(text("PathwayID", "pathway_id"));
    cols.add(contactId.as("contact_id"));
    cols.add(text("CodedAssToolType", "code"));
    cols.add(text("PersScore", "score_text"));
    cols.add(wholeNumber(col("PersScore")).as("score_value"));
    cols.add(wholeNumber(col("PersScore")).cast(DataTypes.IntegerType).as("score"));
    if (occasionDate != null) {
      cols.add(occasionDate);
    }
    return cols;
  }

  /** The score as a whole number, or null when it is not one ({@code 7} and {@code 7.0} are 7; {@code 7.5} is not). */
  static Column wholeNumber(Column raw) {
    // The digits before the point, read as a long: what the pattern admits needs no decimal arithmetic.
    return when(raw.rlike("^[+-]?[0-9]{1,18}(\\.0*)?$"), substring_index(raw, ".", 1).cast(DataTypes.LongType));
  }

  private static RowCheck scoreIsNumber() {
    return RowCheck.scoreIsNumber(col("score_text"), col("score_value"), col("code"));
  }

  private static RowCheck scoreInRange() {
    return RowCheck.scoreInRange(
        col("score_value"), col("score_text"), col("code"), col("measure"), col("score_min"), col("score_max"));
  }

  // ---- parents and catalogue -------------------------------------------------------------------------------

  private Dataset<Row> withReferral(Dataset<Row> rows) {
    Dataset<Row> referrals =
        lake.read(SilverTables.REFERRALS)
            .select(col("pathway_id").as("_ref_pathway"), lit(true).as("_referral_found"));
    return rows.join(referrals, rows.col("PathwayID").equalTo(referrals.col("_ref_pathway")), "left");
  }

  private Dataset<Row> withContact(Dataset<Row> rows) {
    Dataset<Row> contacts =
        lake.read(SilverTables.CONTACTS)
            .select(
                col("contact_id").as("_c_id"), col("pathway_id").as("_c_pathway"), col("contact_date").as("_c_date"),
                col("contact_time").as("_c_time"), col("app_type").as("_c_app"), col("attend_code").as("_c_attend"),
                lit(true).as("_contact_found"));
    return rows.join(
        hashContacts ? contacts.hint("shuffle_hash") : contacts,
        rows.col("Unique_CareContactID").equalTo(contacts.col("_c_id"))
            .and(rows.col("PathwayID").equalTo(contacts.col("_c_pathway"))),
        "left");
  }

  /**
   * Whether care contacts are joined to the activities and scores that hang off them (IDS202, IDS607) by a
   * shuffled hash join instead of a sort-merge join. The hash join leaves the children's rows in the order they
   * arrive, which keeps a service's rows together, and spares sorting them: 33.7M IDS607 rows whose contact ids
   * share their first eight bytes within a service, 8% of derive's CPU at the national year (docs/BENCHMARKS.md).
   * But a task holds its partition's contacts in a hash map that cannot spill, so the hash join is used only when
   * {@link #hashJoinFits} for silver.contacts as Delta sizes it, under the session's shuffle partitions and
   * advisory partition size; otherwise the sort-merge join, which spills, as before.
   */
  private boolean contactsFitHashJoin() {
    if (!lake.exists(SilverTables.CONTACTS)) {
      return false;
    }
    return hashJoinFits(lake.sizeInBytes(SilverTables.CONTACTS), Sessions.shufflePartitions(lake.spark()),
        Sessions.advisoryPartitionBytes(lake.spark()));
  }

  /**
   * Whether a parent table of {@code parquetBytes}, shuffled into {@code partitions}, leaves each partition at most
   * {@code advisoryBytes} of shuffled rows (estimated as {@link #SHUFFLED_PER_PARQUET_BYTE} per Parquet byte): the
   * bound Spark's adaptive execution applies before it builds a shuffled hash join on its own
   * ({@code spark.sql.adaptive.maxShuffledHashJoinLocalMapThreshold} at the advisory size), here known before the
   * join runs. Adaptive coalescing merges partitions only up to the advisory size, so it keeps the bound.
   */
  static boolean hashJoinFits(long parquetBytes, int partitions, long advisoryBytes) {
    return parquetBytes <= advisoryBytes / SHUFFLED_PER_PARQUET_BYTE * Math.max(1, partitions);
  }

  private Dataset<Row> withCatalogue(Dataset<Row> rows) {
    Dataset<Row> codes =
        catalogue.codes(lake.spark())
            .select(col("code").as("_cat_code"), col("measure"), col("domain"), col("score_min"), col("score_max"));
    return rows.join(broadcast(codes), rows.col("CodedAssToolType").equalTo(codes.col("_cat_code")), "left");
  }

  // ---- classification ---------------------------------------------------------------------------------------

  /**
   * One IDS table's bronze rows, each with its status (ACCEPTED, SUPERSEDED or a rule id), planned but not
   * persisted: {@link #accepted()} carries an observation that counts every status while silver is written
   * ({@link #statusCounts()}), so that pass yields the counts too, and only a table with quarantined rows
   * classifies its rows a second time, for its quarantine write. Building Spark's in-memory cache of every
   * classified row for these three uses cost a quarter of derive's CPU (docs/BENCHMARKS.md).
   *
   * @param statuses every status a row can have: ACCEPTED, SUPERSEDED and each check's rule, in that order
   */
  private record Classified(
      IdsTable table, Dataset<Row> rows, List<String> silverColumns, List<String> statuses, Observation counts) {

    Dataset<Row> accepted() {
      List<Column> byStatus = new ArrayList<>();
      for (int i = 0; i < statuses.size(); i++) {
        byStatus.add(count_if(col("_status").equalTo(statuses.get(i))).as("s" + i));
      }
      return rows.observe(counts, byStatus.get(0), byStatus.subList(1, byStatus.size()).toArray(Column[]::new))
          .filter(col("_status").equalTo(ACCEPTED))
          .select(silverColumns.stream().map(c -> col(c)).toArray(Column[]::new));
    }

    /** Rows per status, as the silver write counted them (only once {@link #accepted()} has been written). */
    Map<String, Long> statusCounts() {
      Map<String, Object> observed;
      try {
        observed = counts.getAsJava();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("derive was interrupted while counting " + table.tableName(), e);
      }
      Map<String, Long> out = new LinkedHashMap<>();
      for (int i = 0; i < statuses.size(); i++) {
        long n = ((Number) observed.get("s" + i)).longValue();
        if (n > 0) {
          out.put(statuses.get(i), n);
        }
      }
      return out;
    }

    Dataset<Row> quarantined() {
      return rows.filter(not(col("_status").isin(ACCEPTED, SUPERSEDED)))
          .withColumn("stage", lit(Quarantine.STAGE))
          .withColumnRenamed("_status", "rule")
          .withColumnRenamed("_message", "message")
          .withColumnRenamed("_record", "record")
          .select(Arrays.stream(Quarantine.SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new));
    }
  }

  /**
   * Types {@code table}'s bronze rows ({@code typed}), marks the winner of each key, adds parent/catalogue
   * columns ({@code parents}), and gives every row its status: SUPERSEDED for a loser, else the first broken
   * check, else ACCEPTED. Quarantined rows keep their delivered values as a JSON record.
   */
  private Classified classify(
      IdsTable table,
      List<Column> typed,
      UnaryOperator<Dataset<Row>> parents,
      List<RowCheck> checks,
      List<String> ownSilverColumns) {
    Dataset<Row> bronze = bronze(table);
    // Marking winners (a window only over the rows of keys delivered more than once) and the parent joins shuffle
    // the delivered columns only; typing, the delivered record and the checks are computed after them, so no
    // shuffle carries a value twice (raw and typed).
    Dataset<Row> joined = parents.apply(Dedup.markWinners(bronze, table));
    List<Column> staged = new ArrayList<>();
    LINEAGE.forEach(c -> staged.add(col(c)));
    staged.add(struct(deliveredColumns(bronze)).as("_bronze"));
    staged.add(col(Dedup.WINNER));
    staged.add(text("OrgID_Provider", "service_id"));
    staged.add(integer("Unique_MonthID", "month_id"));
    staged.add(col("UniqueSubmissionID").cast(DataTypes.LongType).as("submission_id"));
    staged.addAll(typed);
    Set<String> own = new HashSet<>(Arrays.asList(bronze.columns()));
    own.add(Dedup.WINNER);
    Arrays.stream(joined.columns()).filter(c -> !own.contains(c)).forEach(c -> staged.add(col(c)));

    Column status =
        when(col(Dedup.WINNER), RowCheck.firstBroken(checks, lit(ACCEPTED))).otherwise(lit(SUPERSEDED));
    // Message and record branch on the status rather than re-testing every check: each check is evaluated once.
    Dataset<Row> classified =
        joined
            .select(staged.toArray(Column[]::new))
            .withColumn("_status", status)
            .withColumn("_message", RowCheck.messageFor(col("_status"), checks))
            .withColumn(
                "_record",
                when(not(col("_status").isin(ACCEPTED, SUPERSEDED)),
                    to_json(col("_bronze"), Map.of("ignoreNullFields", "false"))));

    List<String> silverColumns = new ArrayList<>(SUBMISSION);
    silverColumns.addAll(ownSilverColumns);
    silverColumns.add("_source_file");
    silverColumns.add("_line");
    List<Column> kept = new ArrayList<>();
    LINEAGE.forEach(c -> kept.add(col(c)));
    List.of("_status", "_message", "_record").forEach(c -> kept.add(col(c)));
    silverColumns.stream().filter(c -> !LINEAGE.contains(c)).forEach(c -> kept.add(col(c)));
    Dataset<Row> rows = classified.select(kept.toArray(Column[]::new));
    Set<String> statuses = new LinkedHashSet<>(List.of(ACCEPTED, SUPERSEDED));
    checks.forEach(c -> statuses.add(c.rule()));
    return new Classified(table, rows, silverColumns, List.copyOf(statuses),
        new Observation("status of " + table.tableName() + " " + UUID.randomUUID()));
  }

  /**
   * Takes the table's outcomes as its silver write counted them and replaces its derive-stage quarantine rows: with
   * the quarantined rows, classified again, when there are any; with none (an empty write) when the table exists.
   */
  private void finish(Classified c) {
    Map<String, Long> byStatus = c.statusCounts();
    long accepted = byStatus.getOrDefault(ACCEPTED, 0L);
    long superseded = byStatus.getOrDefault(SUPERSEDED, 0L);
    Map<String, Long> quarantined = new LinkedHashMap<>(byStatus);
    quarantined.remove(ACCEPTED);
    quarantined.remove(SUPERSEDED);

    String quarantineTable = Quarantine.tableOf(c.table());
    if (!quarantined.isEmpty() || lake.exists(quarantineTable)) {
      lake.replaceWhere(quarantineTable, "stage = '" + Quarantine.STAGE + "'", quarantined.isEmpty()
          ? lake.spark().createDataFrame(List.of(), Quarantine.SCHEMA)
          : c.quarantined());
    }
    long bronzeRows = bronze.of(c.table()).map(v -> lake.readAsOfVersion(bronzeName(c.table()), v).count())
        .orElse(0L);
    reconciliations.put(
        c.table(), new Reconciliation(c.table().tableName(), bronzeRows, accepted, superseded, quarantined));
  }

  /** Replaces the silver table fed by {@code parts} (one IDS table, or both scored-assessment tables). */
  private void writeSilver(Classified... parts) {
    Dataset<Row> accepted = parts[0].accepted();
    for (int i = 1; i < parts.length; i++) {
      accepted = accepted.unionByName(parts[i].accepted());
    }
    lake.overwrite(SilverTables.of(parts[0].table()), accepted, bronze.toJson());
  }

  // ---- bronze -----------------------------------------------------------------------------------------------

  private void requireSomeBronze() {
    if (bronze.isEmpty()) {
      throw TtoException.of(
          "The lakehouse at " + lake.root() + " has no bronze tables",
          "derive reads bronze.* and ingest has not written any there",
          "run scripts/tto ingest --extracts DIR first, or point --lake at the lakehouse ingest wrote");
    }
  }

  /**
   * The table's bronze rows at its pinned version; an absent table (no such file delivered yet) reads as empty, with
   * a warning.
   */
  private Dataset<Row> bronze(IdsTable table) {
    String name = bronzeName(table);
    Optional<Long> version = bronze.of(table);
    if (version.isEmpty()) {
      warnings.computeIfAbsent(table, t -> new ArrayList<>())
          .add(name + " does not exist (no " + table.fileStem() + " file has been ingested); derive treats it as"
              + " empty");
      return lake.spark().createDataFrame(List.of(), BronzeSchema.of(table));
    }
    Dataset<Row> rows = lake.readAsOfVersion(name, version.get());
    Set<String> missing = new TreeSet<>(table.required().keySet());
    missing.addAll(LINEAGE);
    missing.removeAll(Arrays.asList(rows.columns()));
    if (!missing.isEmpty()) {
      throw TtoException.of(
          name + " lacks column(s) " + String.join(", ", missing),
          "derive needs every required column of " + table.fileStem() + " (SPEC §1) and the lineage columns of the"
              + " lake contract",
          "re-ingest with an ingest that writes the lake contract, or check --lake");
    }
    return rows.withColumn("_line", col("_line").cast(DataTypes.LongType))
        .withColumn("_month_id", col("_month_id").cast(DataTypes.IntegerType));
  }

  private static Column[] deliveredColumns(Dataset<Row> bronze) {
    return Arrays.stream(bronze.columns())
        .filter(c -> !BronzeSchema.LINEAGE_NAMES.contains(c))
        .map(c -> col("`" + c.replace("`", "``") + "`"))
        .toArray(Column[]::new);
  }

  private static String bronzeName(IdsTable table) {
    return BronzeVersions.nameOf(table);
  }

  // ---- typing helpers ---------------------------------------------------------------------------------------

  private static Column text(String ids, String as) {
    return col(ids).as(as);
  }

  private static Column integer(String ids, String as) {
    return col(ids).cast(DataTypes.IntegerType).as(as);
  }

  private static Column date(String ids, String as) {
    return to_date(col(ids), "yyyy-MM-dd").as(as);
  }

  /** IDS column name → "its typed value is null", from pairs (IDS name, typed name), in order. */
  private static Map<String, Column> nullOf(String... idsAndTyped) {
    Map<String, Column> m = new LinkedHashMap<>();
    for (int i = 0; i < idsAndTyped.length; i += 2) {
      m.put(idsAndTyped[i], col(idsAndTyped[i + 1]).isNull());
    }
    return m;
  }

  private static Map<String, Column> ordered(Object... nameAndColumn) {
    Map<String, Column> m = new LinkedHashMap<>();
    for (int i = 0; i < nameAndColumn.length; i += 2) {
      m.put((String) nameAndColumn[i], (Column) nameAndColumn[i + 1]);
    }
    return m;
  }
}
