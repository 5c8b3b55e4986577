package uk.nhs.tto.stats;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.Design.VariableType;
import uk.nhs.tto.stats.formula.Formula;

/**
 * Resolves a formula against data: checks every column exists with a usable type, decides which variables are
 * categorical, and finds their levels (sorted; the chosen baseline first) — from a Dataset with one small
 * aggregation of distinct values, or from in-memory rows.
 */
final class DesignResolver {

  /** More levels than this in a fixed-effect factor is almost surely an identifier used by mistake. */
  static final int MAX_LEVELS = 500;

  private DesignResolver() {}

  static Design forDataset(Dataset<Row> data, Formula formula, FitOptions options) {
    Map<String, VariableType> types = types(data.schema(), formula, options);
    Map<String, List<String>> levels = new LinkedHashMap<>();
    List<String> factors = formula.fixedVariables().stream().filter(v -> types.get(v).categorical()).toList();
    if (!factors.isEmpty()) {
      // Levels come from complete rows only, as R builds factors after dropping incomplete rows.
      List<Column> sets = new ArrayList<>();
      for (String v : factors) {
        String cast = types.get(v) == VariableType.CATEGORICAL_NUMBER ? "double" : "string";
        sets.add(collect_set(col(v).cast(cast)));
      }
      Row r = data.filter(Design.sparkComplete(formula, types))
          .agg(sets.get(0), sets.subList(1, sets.size()).toArray(new Column[0]))
          .first();
      for (int i = 0; i < factors.size(); i++) {
        levels.put(factors.get(i), order(factors.get(i), r.getList(i), types.get(factors.get(i)), options, formula));
      }
    }
    return Design.of(formula, types, levels);
  }

  static Design forRows(List<Row> rows, Formula formula, FitOptions options) {
    if (rows.isEmpty()) {
      throw TtoException.of("No rows to fit " + formula.text(), "the data are empty", "check the input");
    }
    StructType schema = rows.get(0).schema();
    if (schema == null) {
      throw new IllegalArgumentException("In-memory rows must carry a schema (GenericRowWithSchema), cannot be: "
          + rows.get(0).getClass().getName());
    }
    Map<String, VariableType> types = types(schema, formula, options);
    Map<String, List<String>> levels = new LinkedHashMap<>();
    for (String v : formula.fixedVariables()) {
      if (!types.get(v).categorical()) {
        continue;
      }
      List<Object> seen = new ArrayList<>();
      Set<String> distinct = new TreeSet<>();
      for (Row row : rows) {
        Object o = row.getAs(v);
        if (o != null && distinct.add(String.valueOf(o))) {
          seen.add(
              types.get(v) == VariableType.CATEGORICAL_NUMBER ? (Object) ((Number) o).doubleValue() : o.toString());
        }
      }
      levels.put(v, order(v, seen, types.get(v), options, formula));
    }
    return Design.of(formula, types, levels);
  }

  static Map<String, VariableType> types(StructType schema, Formula formula, FitOptions options) {
    Map<String, DataType> byName = new LinkedHashMap<>();
    for (StructField f : schema.fields()) {
      byName.put(f.name(), f.dataType());
    }
    List<String> missing = formula.columns().stream().filter(c -> !byName.containsKey(c)).toList();
    if (!missing.isEmpty()) {
      throw TtoException.of(
          "Formula " + formula.text() + " names column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
              + " that the data do not have",
          "the data's columns are " + String.join(", ", byName.keySet()),
          "correct the formula or the data (names are case-sensitive)");
    }
    for (String f : options.factors()) {
      if (!formula.fixedVariables().contains(f)) {
        throw TtoException.of(
            "A baseline or factor coding was given for '" + f + "'",
            "it is not a fixed-effect variable of " + formula.text(),
            "remove the option or add the column to the formula");
      }
    }
    Map<String, VariableType> types = new LinkedHashMap<>();
    for (String c : formula.columns()) {
      types.put(c, VariableType.GROUPING);
    }
    DataType responseType = byName.get(formula.response());
    if (!(responseType instanceof NumericType)) {
      throw TtoException.of(
          "The response '" + formula.response() + "' is " + responseType.simpleString() + ", not a number",
          "a linear mixed model needs a numeric response", "choose a numeric column or convert it");
    }
    types.put(formula.response(), VariableType.NUMBER);
    for (String v : formula.fixedVariables()) {
      DataType t = byName.get(v);
      if (options.factors().contains(v)) {
        types.put(v, t instanceof NumericType ? VariableType.CATEGORICAL_NUMBER : VariableType.CATEGORICAL_STRING);
      } else if (t instanceof NumericType) {
        types.put(v, VariableType.NUMBER);
      } else if (t instanceof StringType || t instanceof BooleanType) {
        types.put(v, VariableType.CATEGORICAL_STRING);
      } else {
        throw TtoException.of(
            "Column '" + v + "' is " + t.simpleString(),
            "fixed-effect columns must be numbers, strings or booleans",
            "convert it (e.g. a date to a number of days) before fitting");
      }
    }
    return types;
  }

  private static List<String> order(
      String v, Collection<?> values, VariableType type, FitOptions options, Formula formula) {
    List<String> labels = new ArrayList<>();
    if (type == VariableType.CATEGORICAL_NUMBER) {
      values.stream().map(o -> ((Number) o).doubleValue()).sorted().forEach(d -> labels.add(numberLabel(d)));
    } else {
      values.stream().map(String::valueOf).sorted(Comparator.naturalOrder()).forEach(labels::add);
    }
    if (labels.size() > MAX_LEVELS) {
      throw TtoException.of(
          "Column '" + v + "' has " + labels.size() + " distinct values",
          "as a categorical fixed effect it would add a column per value (more than " + MAX_LEVELS + ")",
          "use it as a grouping factor (1|" + v + ") or choose a coarser column");
    }
    if (labels.size() < 2) {
      throw TtoException.of(
          "Column '" + v + "' has " + (labels.isEmpty() ? "no values" : "only the value " + labels.get(0))
              + " in the complete rows",
          "a categorical fixed effect needs at least two levels (its contrasts compare levels)",
          "remove it from " + formula.text() + " or check the data");
    }
    String baseline = options.baselines().get(v);
    if (baseline != null) {
      String wanted = type == VariableType.CATEGORICAL_NUMBER ? numberLabelOrSame(baseline) : baseline;
      if (!labels.remove(wanted)) {
        throw TtoException.of(
            "Baseline '" + baseline + "' for column '" + v + "' is not one of its levels",
            "its levels are " + labels,
            "choose one of those levels");
      }
      labels.add(0, wanted);
    }
    return labels;
  }

  /** Formats a numeric level as R prints it: whole numbers without a decimal point. */
  static String numberLabel(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static String numberLabelOrSame(String s) {
    try {
      return numberLabel(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      return s;
    }
  }
}
