package uk.nhs.tto.catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Therapy-type codes ({@code conf/therapy-codes.csv}): which IDS202 {@code CodeProcAndProcStatus} codes are
 * high- or low-intensity therapy, for a course's intensity (SPEC §3). A code not listed counts towards neither.
 */
public final class TherapyCodes {

  /** The file's header, in order. */
  public static final List<String> HEADER = List.of("code", "intensity", "description");

  /** The two intensities, highest first: a course takes the highest any of its activities carries. */
  public enum Intensity {
    HIGH,
    LOW
  }

  private final Map<String, Intensity> byCode;

  private TherapyCodes(Map<String, Intensity> byCode) {
    this.byCode = byCode;
  }

  public static TherapyCodes of(Map<String, Intensity> byCode) {
    return new TherapyCodes(new LinkedHashMap<>(byCode));
  }

  /** Reads and checks the file; errors name the file and line. */
  public static TherapyCodes load(Path file) {
    Map<String, Intensity> map = new LinkedHashMap<>();
    Map<String, Integer> lineOf = new LinkedHashMap<>();
    for (ConfCsv.Line line : ConfCsv.read(file, HEADER, "therapy-code list")) {
      String code = line.field(0);
      if (code.isEmpty()) {
        throw line.error("code is empty", "fill it in or remove the line");
      }
      Intensity intensity;
      try {
        intensity = Intensity.valueOf(line.field(1));
      } catch (IllegalArgumentException e) {
        throw line.error("intensity '" + line.field(1) + "' is not known", "write HIGH or LOW");
      }
      Integer earlier = lineOf.putIfAbsent(code, line.number());
      if (earlier != null) {
        throw line.error("code " + code + " is listed again (first at line " + earlier + ")", "list each code once");
      }
      map.put(code, intensity);
    }
    return new TherapyCodes(map);
  }

  public Optional<Intensity> intensityOf(String code) {
    return Optional.ofNullable(byCode.get(code));
  }

  public int size() {
    return byCode.size();
  }

  /** One row per listed code: {@code code, intensity ("HIGH"|"LOW")}. */
  public Dataset<Row> codes(SparkSession spark) {
    StructType schema =
        new StructType().add("code", DataTypes.StringType, false).add("intensity", DataTypes.StringType, false);
    List<Row> rows = new ArrayList<>();
    byCode.forEach((code, intensity) -> rows.add(RowFactory.create(code, intensity.name())));
    return spark.createDataFrame(rows, schema);
  }
}
