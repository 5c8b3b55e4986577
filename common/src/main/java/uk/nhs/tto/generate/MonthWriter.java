package uk.nhs.tto.generate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import uk.nhs.tto.ingest.IdsTable;
import uk.nhs.tto.ingest.MonthId;

/**
 * Writes one service-month submission: the folder {@code <OrgID_Provider>/<Unique_MonthID>/} with the seven IDS
 * tables (SPEC §1). Every referral open in the month is re-submitted with its person and complaints; contacts,
 * activities and scores go in the month of their date. With {@link Defects}, defective rows follow clean ones.
 */
final class MonthWriter {

  private static final byte[][] APP_TYPES = ascii("", "01", "02", "03", "04", "05", "06");
  private static final byte[][] ATTEND = ascii("0", "1", "2", "3", "4", "5", "6", "7");
  /** A complaint code that no generated referral has, for defect rows that must not share a real row's key. */
  private static final String SPARE_COMPLAINT = "F99";

  private final GeneratorOptions options;
  private final ServicePlan plan;
  private final Days days;
  private final Tally tally;
  private final Defects defects;
  private final byte[] service;
  private final byte[] personPrefix;
  private final byte[] pathwayPrefix;
  private final byte[] contactPrefix;
  private final byte[] activityPrefix;
  private final byte[] score606Prefix;
  private final byte[] score607Prefix;
  private final byte[][] therapists;
  private final byte[][] scoreCodes;
  private final byte[][] therapyCodes;

  // The submission being written.
  private int monthId;
  private long submissionId;
  private int monthStart;
  private int monthEnd;

  // How the row being written departs from the clean one (a defect), reset after each row.
  private int rowMonth;
  private long key = -1;
  private long orphanPathway = -1;
  private long orphanContact = -1;
  private String dateText;
  private String scoreText;
  private String complaint;

  MonthWriter(GeneratorOptions options, ServicePlan plan, Days days, Tally tally, Defects defects) {
    this.options = options;
    this.plan = plan;
    this.days = days;
    this.tally = tally;
    this.defects = defects;
    // Record ids: service code, a hyphen, a table prefix and a counter, so they are unique nationally.
    this.service = plan.code.getBytes(StandardCharsets.US_ASCII);
    this.personPrefix = (plan.code + "-PN").getBytes(StandardCharsets.US_ASCII);
    this.pathwayPrefix = (plan.code + "-PW").getBytes(StandardCharsets.US_ASCII);
    this.contactPrefix = (plan.code + "-CC").getBytes(StandardCharsets.US_ASCII);
    this.activityPrefix = (plan.code + "-CA").getBytes(StandardCharsets.US_ASCII);
    this.score606Prefix = (plan.code + "-SR").getBytes(StandardCharsets.US_ASCII);
    this.score607Prefix = (plan.code + "-SA").getBytes(StandardCharsets.US_ASCII);
    this.therapists = ascii(plan.therapistIds);
    this.scoreCodes = ascii(options.codebook().scoreCodes().toArray(String[]::new));
    List<String> therapy = new ArrayList<>(options.codebook().highIntensityCodes());
    therapy.addAll(options.codebook().lowIntensityCodes());
    this.therapyCodes = ascii(therapy.toArray(String[]::new));
  }

  /** Unique per service-month submission: {@code Unique_MonthID * 100000 + service index} (9 digits). */
  static long submissionId(int monthId, int serviceIndex) {
    return monthId * 100_000L + serviceIndex;
  }

  void write(Path folder, int monthId, int monthStart, int monthEnd, List<Referral> active) throws IOException {
    this.monthId = monthId;
    this.submissionId = submissionId(monthId, plan.index);
    this.monthStart = monthStart;
    this.monthEnd = monthEnd;
    Files.createDirectories(folder);
    IdsTable[] tables = IdsTable.values();
    RowSink[] sinks = new RowSink[tables.length];
    try {
      for (IdsTable t : tables) {
        Path file = folder.resolve(t.fileStem() + options.format().extension());
        List<String> columns = new ArrayList<>(t.required().keySet());
        sinks[t.ordinal()] = options.format() == GeneratorOptions.Format.CSV
            ? new CsvRowSink(file, columns, days)
            : new ParquetRowSink(file, columns, days);
      }
      for (Referral r : active) {
        if (r.inSubmission(monthStart, monthEnd)) {
          referral(sinks, r);
        }
      }
    } finally {
      for (RowSink s : sinks) {
        if (s != null) {
          s.close();
        }
      }
    }
    for (IdsTable t : tables) {
      tally.rows[t.ordinal()] += sinks[t.ordinal()].rows();
    }
    tally.files += tables.length;
  }

  private void referral(RowSink[] sinks, Referral r) throws IOException {
    emit(sinks, IdsTable.IDS001MPI, r, 0);
    emit(sinks, IdsTable.IDS101Referral, r, 0);
    for (int k = 0; k < r.complaints.length; k++) {
      emit(sinks, IdsTable.IDS603PresentingComplaints, r, k);
    }
    for (int c = 0; c < r.contacts; c++) {
      int day = r.contactDay[c];
      if (day >= monthStart && day <= monthEnd) {
        emit(sinks, IdsTable.IDS201CareContact, r, c);
        if (r.activityCode[c] >= 0) {
          emit(sinks, IdsTable.IDS202CareActivity, r, c);
        }
      }
    }
    for (int s = 0; s < r.scores; s++) {
      int day = r.scoreDay[s];
      if (day >= monthStart && day <= monthEnd) {
        emit(sinks, r.scoreSource[s] == Referral.IDS606 ? IdsTable.IDS606CodedScoreAssessmentRefer
            : IdsTable.IDS607CodedScoreAssessmentAct, r, s);
      }
    }
  }

  /** Writes the clean row, then perhaps a defective one made from it. */
  private void emit(RowSink[] sinks, IdsTable table, Referral r, int i) throws IOException {
    RowSink sink = sinks[table.ordinal()];
    clean();
    row(sink, table, r, i);
    if (defects == null) {
      return;
    }
    DefectKind kind = defects.after(table);
    if (kind == null) {
      return;
    }
    boolean complaintKey = table == IdsTable.IDS603PresentingComplaints;
    switch (kind) {
      case BAD_DATE -> {
        fresh(complaintKey);
        dateText = defects.badDate(MonthId.toYearMonth(monthId).getYear(), Days.date(rowDate(table, r, i)));
      }
      case NON_NUMERIC_SCORE -> {
        fresh(false);
        scoreText = defects.nonNumericScore();
      }
      case OUT_OF_RANGE_SCORE -> {
        fresh(false);
        scoreText = defects.outOfRangeScore();
      }
      case ORPHAN -> {
        if (!complaintKey) {
          key = defects.freshNumber();
        }
        orphanPathway = defects.freshNumber();
        orphanContact = defects.freshNumber();
      }
      case DUPLICATE_ID -> { }
      case MONTH_MISMATCH -> {
        fresh(complaintKey);
        rowMonth = defects.otherMonth(monthId);
      }
    }
    row(sink, table, r, i);
    tally.defects[table.ordinal()][kind.ordinal()]++;
  }

  /** A defect row gets its own key so that it never competes with the clean row it was made from. */
  private void fresh(boolean complaintKey) {
    if (complaintKey) {
      complaint = SPARE_COMPLAINT;
    } else {
      key = defects.freshNumber();
    }
  }

  private void clean() {
    rowMonth = monthId;
    key = -1;
    orphanPathway = -1;
    orphanContact = -1;
    dateText = null;
    scoreText = null;
    complaint = null;
  }

  private int rowDate(IdsTable table, Referral r, int i) {
    return switch (table) {
      case IDS201CareContact -> r.contactDay[i];
      case IDS606CodedScoreAssessmentRefer -> r.scoreDay[i];
      default -> r.referralDay;
    };
  }

  private void row(RowSink s, IdsTable table, Referral r, int i) throws IOException {
    s.ascii(service).number(rowMonth).number(submissionId);
    switch (table) {
      case IDS001MPI -> {
        s.id(personPrefix, own(r.number)).number(r.age).text(r.gender).text(r.ethnicity);
        if (r.imdDecile > 0) {
          s.number(r.imdDecile);
        } else {
          s.text(null);
        }
      }
      case IDS101Referral -> {
        s.id(pathwayPrefix, own(r.number)).id(personPrefix, r.number);
        date(s, r.referralDay);
        if (r.dischargeDay <= monthEnd) {
          boolean firstReport = r.firstReportedDischargeDay >= 0 && r.dischargeDay >= monthStart;
          s.date(firstReport ? r.firstReportedDischargeDay : r.dischargeDay).text(r.endCode);
        } else {
          s.text(null).text(null);
        }
      }
      case IDS201CareContact -> {
        s.id(contactPrefix, own(r.contactNo[i])).id(pathwayPrefix, pathway(r));
        date(s, r.contactDay[i]);
        s.time(r.contactTime[i]).ascii(APP_TYPES[r.appType[i]]).ascii(ATTEND[r.attend[i]])
            .ascii(therapists[r.therapist[i]]);
      }
      case IDS202CareActivity -> s.id(activityPrefix, own(r.activityNo[i]))
          .id(contactPrefix, orphanContact >= 0 ? orphanContact : r.contactNo[i])
          .id(pathwayPrefix, pathway(r))
          .ascii(therapyCodes[r.activityCode[i]]);
      case IDS603PresentingComplaints -> {
        s.id(pathwayPrefix, pathway(r)).text(complaint != null ? complaint : r.complaints[i]);
        date(s, r.referralDay);
      }
      case IDS606CodedScoreAssessmentRefer -> {
        s.id(score606Prefix, own(r.scoreNo[i])).id(pathwayPrefix, pathway(r)).ascii(scoreCodes[r.scoreCode[i]]);
        score(s, r.scoreValue[i]);
        date(s, r.scoreDay[i]);
      }
      case IDS607CodedScoreAssessmentAct -> {
        s.id(score607Prefix, own(r.scoreNo[i])).id(pathwayPrefix, pathway(r))
            .id(contactPrefix, orphanContact >= 0 ? orphanContact : r.contactNo[r.scoreContact[i]])
            .ascii(scoreCodes[r.scoreCode[i]]);
        score(s, r.scoreValue[i]);
      }
    }
    s.endRow();
  }

  private long own(long number) {
    return key >= 0 ? key : number;
  }

  private long pathway(Referral r) {
    return orphanPathway >= 0 ? orphanPathway : r.number;
  }

  private void date(RowSink s, int day) throws IOException {
    if (dateText != null) {
      s.text(dateText);
    } else {
      s.date(day);
    }
  }

  private void score(RowSink s, int value) throws IOException {
    if (scoreText != null) {
      s.text(scoreText);
    } else {
      s.number(value);
    }
  }

  private static byte[][] ascii(String... values) {
    byte[][] out = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i].getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }
}
