package uk.nhs.tto.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * lme4's reference fits (shared/reference/lme4: data sets and expected.json written by R 4.2.2, lme4 1.1-31,
 * lmerTest 3.1-3), found by walking up from the working directory.
 */
public final class ReferenceData {

  private static final String RELATIVE = "shared/reference/lme4";

  private ReferenceData() {}

  public static Path directory() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve(RELATIVE);
      if (Files.isRegularFile(candidate.resolve("expected.json"))) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("lme4 reference data not found: no " + RELATIVE
        + "/expected.json in " + Path.of("").toAbsolutePath() + " or any parent folder; the tests need the shared/"
        + " folder beside the repository (/work/shared/reference/lme4 on the team's machines)");
  }

  public static JsonNode expected() {
    try {
      return new ObjectMapper().readTree(directory().resolve("expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path file(String name) {
    return directory().resolve(name);
  }

  /** A reference CSV as in-memory rows, typed as Spark's inferSchema would type it (int, double or string). */
  public static List<Row> rows(String name) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String[] header = lines.get(0).split(",");
    List<String[]> cells = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        cells.add(line.split(",", -1));
      }
    }
    DataType[] types = new DataType[header.length];
    for (int c = 0; c < header.length; c++) {
      boolean ints = true;
      boolean doubles = true;
      for (String[] r : cells) {
        if (r[c].isEmpty()) {
          continue;
        }
        ints &= r[c].matches("-?\\d+");
        doubles &= r[c].matches("-?[0-9.eE+-]+");
      }
      types[c] = ints ? DataTypes.IntegerType : doubles ? DataTypes.DoubleType : DataTypes.StringType;
    }
    StructField[] fields = new StructField[header.length];
    for (int c = 0; c < header.length; c++) {
      fields[c] = DataTypes.createStructField(header[c], types[c], true);
    }
    StructType schema = DataTypes.createStructType(fields);
    List<Row> rows = new ArrayList<>();
    for (String[] r : cells) {
      Object[] values = new Object[header.length];
      for (int c = 0; c < header.length; c++) {
        String v = r[c];
        values[c] = v.isEmpty() ? null
            : types[c] == DataTypes.IntegerType ? (Object) Integer.valueOf(v)
            : types[c] == DataTypes.DoubleType ? (Object) Double.valueOf(v)
            : v;
      }
      rows.add(new GenericRowWithSchema(values, schema));
    }
    return rows;
  }
}
