package uk.nhs.tto.catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.errors.TtoException;

/**
 * The measure catalogue ({@code conf/measures.csv}, SPEC §2): which CodedAssToolType codes are scored, the
 * measure and domain each belongs to, valid ranges, caseness and reliable change. Rows of one measure are
 * merged into one {@link Measure}; a code not in the catalogue is quarantined by derive.
 */
public final class MeasureCatalog {

  /** The catalogue file's header, in order. */
  public static final List<String> HEADER =
      List.of(
          "measure", "domain", "code", "kind", "item_min", "item_max", "total_min", "total_max", "caseness",
          "caseness_rule", "reliable_change");

  private final Map<String, Measure> byName;
  private final Map<String, Measure> byCode;

  private MeasureCatalog(Map<String, Measure> byName) {
    this.byName = byName;
    this.byCode = new LinkedHashMap<>();
    byName.values().forEach(m -> m.codes().forEach(c -> byCode.put(c, m)));
  }

  /** Builds a catalogue from measures (tests and callers that do not read a file). */
  public static MeasureCatalog of(List<Measure> measures) {
    Map<String, Measure> map = new LinkedHashMap<>();
    measures.forEach(m -> map.put(m.name(), m));
    return new MeasureCatalog(map);
  }

  /** Reads and checks the catalogue file; errors name the file and line. */
  public static MeasureCatalog load(Path file) {
    Map<String, List<ConfCsv.Line>> rowsByMeasure = new LinkedHashMap<>();
    Map<String, ConfCsv.Line> seenCodes = new LinkedHashMap<>();
    for (ConfCsv.Line line : ConfCsv.read(file, HEADER, "measure catalogue")) {
      if (line.field(0).isEmpty() || line.field(1).isEmpty() || line.field(2).isEmpty()) {
        throw line.error("measure, domain and code must not be empty", "fill them in or remove the line");
      }
      ConfCsv.Line earlier = seenCodes.putIfAbsent(line.field(2), line);
      if (earlier != null) {
        throw line.error(
            "code " + line.field(2) + " is listed again (first at line " + earlier.number() + ")",
            "list each code once");
      }
      rowsByMeasure.computeIfAbsent(line.field(0), k -> new ArrayList<>()).add(line);
    }
    List<Measure> measures = new ArrayList<>();
    rowsByMeasure.forEach((name, lines) -> measures.add(merge(name, lines)));
    return of(measures);
  }

  public List<Measure> measures() {
    return List.copyOf(byName.values());
  }

  public Optional<Measure> measure(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The measure a delivered code belongs to, if the catalogue lists it. */
  public Optional<Measure> forCode(String code) {
    return Optional.ofNullable(byCode.get(code));
  }

  /** A measure the national definitions cannot do without; its absence is a configuration error. */
  public Measure require(String name, String neededFor) {
    Measure m = byName.get(name);
    if (m == null) {
      throw TtoException.of(
          "The measure catalogue has no measure " + name,
          name + " is needed for " + neededFor,
          "restore its line(s) in conf/measures.csv (see SPEC §2)");
    }
    return m;
  }

  /**
   * One row per catalogued code, for joining delivered scores to their measure:
   * {@code code, measure, domain, kind ("TOTAL"|"ITEM"), items_needed INT, score_min INT, score_max INT}.
   */
  public Dataset<Row> codes(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("code", DataTypes.StringType, false)
            .add("measure", DataTypes.StringType, false)
            .add("domain", DataTypes.StringType, false)
            .add("kind", DataTypes.StringType, false)
            .add("items_needed", DataTypes.IntegerType, false)
            .add("score_min", DataTypes.IntegerType, false)
            .add("score_max", DataTypes.IntegerType, false);
    List<Row> rows = new ArrayList<>();
    byCode.forEach(
        (code, m) ->
            rows.add(
                RowFactory.create(
                    code, m.name(), m.domain(), m.kind().name(), m.itemsNeeded(), m.codeMin(), m.codeMax())));
    return spark.createDataFrame(rows, schema);
  }

  private static Measure merge(String name, List<ConfCsv.Line> lines) {
    ConfCsv.Line first = lines.get(0);
    Measure.Kind kind = kind(first);
    List<String> codes = new ArrayList<>();
    for (ConfCsv.Line line : lines) {
      // Every line of a measure restates its shared properties; disagreement means a typing mistake.
      for (int i : new int[] {1, 3, 4, 5, 6, 7, 8, 9, 10}) {
        if (!Objects.equals(line.field(i), first.field(i))) {
          throw line.error(
              HEADER.get(i) + " '" + line.field(i) + "' differs from '" + first.field(i) + "' on line "
                  + first.number() + " of the same measure " + name,
              "give every line of a measure the same " + HEADER.get(i));
        }
      }
      codes.add(line.field(2));
    }
    if (kind == Measure.Kind.TOTAL && codes.size() != 1) {
      throw lines.get(1).error(
          "measure " + name + " has kind total but more than one code",
          "a total is one code; use kind item for the codes of a multi-item measure");
    }
    int itemMin = first.integer(4, "item_min");
    int itemMax = first.integer(5, "item_max");
    int totalMin = first.integer(6, "total_min");
    int totalMax = first.integer(7, "total_max");
    if (itemMin > itemMax || totalMin > totalMax) {
      throw first.error("a minimum is above its maximum", "check item_min/item_max and total_min/total_max");
    }
    String rule = first.field(9).isEmpty() ? null : first.field(9);
    if (rule != null && !rule.equals("total") && !rule.equals("any_item")) {
      throw first.error("caseness_rule '" + rule + "' is not known", "write total, any_item, or leave it empty");
    }
    Integer caseness = first.optionalInteger(8, "caseness");
    if ((caseness == null) != (rule == null)) {
      throw first.error("caseness and caseness_rule must be given together", "fill in both or leave both empty");
    }
    return new Measure(
        name, first.field(1), kind, codes, itemMin, itemMax, totalMin, totalMax, caseness, rule,
        first.optionalInteger(10, "reliable_change"));
  }

  private static Measure.Kind kind(ConfCsv.Line line) {
    return switch (line.field(3)) {
      case "total" -> Measure.Kind.TOTAL;
      case "item" -> Measure.Kind.ITEM;
      default -> throw line.error("kind '" + line.field(3) + "' is not known", "write total or item");
    };
  }
}
