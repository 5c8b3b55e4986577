package uk.nhs.tto.cohorts;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.tto.catalog.ConfCsv;

/**
 * Reads a cohort file (SPEC §5): CSV with header {@code OrgID_Provider,ChangeDate,WindowMonths,WashoutDays},
 * one line per service. Every mistake is reported with the file, line and how to fix it, because a wrong
 * change date silently moves courses between cohorts.
 */
public final class CohortFile {

  /** The required header, in order. */
  public static final List<String> HEADER = List.of("OrgID_Provider", "ChangeDate", "WindowMonths", "WashoutDays");

  private static final DateTimeFormatter ISO_DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  private CohortFile() {}

  /** The definitions in file order; a service may appear once. */
  public static List<CohortDefinition> load(Path file) {
    List<CohortDefinition> out = new ArrayList<>();
    Map<String, Integer> lineOf = new LinkedHashMap<>();
    for (ConfCsv.Line line : ConfCsv.read(file, HEADER, "cohort file")) {
      String service = line.field(0);
      if (service.isEmpty()) {
        throw line.error("OrgID_Provider is empty", "write the service's OrgID_Provider or remove the line");
      }
      Integer earlier = lineOf.putIfAbsent(service, line.number());
      if (earlier != null) {
        throw line.error(
            "service " + service + " is listed again (first at line " + earlier + ")",
            "give each service one line: a service has one change date");
      }
      LocalDate change;
      try {
        change = LocalDate.parse(line.field(1), ISO_DATE);
      } catch (DateTimeParseException e) {
        throw line.error(
            "ChangeDate '" + line.field(1) + "' is not a date (yyyy-MM-dd)", "write a real date such as 2024-03-31");
      }
      int window = line.integer(2, "WindowMonths");
      if (window < 1) {
        throw line.error(
            "WindowMonths is " + window + " but must be at least 1",
            "give the number of calendar months compared either side of ChangeDate, e.g. 12");
      }
      Integer washout = line.optionalInteger(3, "WashoutDays");
      if (washout != null && washout < 0) {
        throw line.error(
            "WashoutDays is " + washout + " but must not be negative",
            "write 0, a positive number of days, or leave it empty");
      }
      out.add(new CohortDefinition(service, change, window, washout == null ? 0 : washout));
    }
    return out;
  }
}
