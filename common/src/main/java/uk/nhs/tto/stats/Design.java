package uk.nhs.tto.stats;

import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.stats.formula.Term;

/**
 * The fixed-effect model matrix of a formula, defined column by column, evaluated either as Spark column
 * expressions (for the distributed aggregation) or on one in-memory row (for small data) — the same definition
 * both ways, so both paths build the same moments.
 *
 * <p>Coding follows R's {@code model.matrix}: numeric columns enter as they are; categorical columns get
 * treatment contrasts (one indicator per non-baseline level, named column + level, e.g. {@code genderM}) when the
 * term's margin is in the model, and full indicator coding otherwise (R's rule; without an intercept the first
 * factor is coded in full). In an interaction the first variable varies fastest ({@code a2:b2, a3:b2, a2:b3…}).
 */
public final class Design implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One factor of a design column: a numeric variable's value, or the indicator of one categorical level. */
  public record Part(String variable, String level, Double numericLevel) implements Serializable {}

  /** A model-matrix column: the product of its parts (no parts: the intercept). */
  public record DesignColumn(String name, List<Part> parts) implements Serializable {
    boolean constant() {
      return parts.isEmpty();
    }
  }

  private final Formula formula;
  private final Map<String, VariableType> types;
  private final Map<String, List<String>> levels;
  private final List<DesignColumn> columns;

  private Design(
      Formula formula, Map<String, VariableType> types, Map<String, List<String>> levels, List<DesignColumn> columns) {
    this.formula = formula;
    this.types = Map.copyOf(types);
    this.levels = Map.copyOf(levels);
    this.columns = List.copyOf(columns);
  }

  /**
   * Builds the design of {@code formula} given each variable's type and each categorical variable's levels in
   * coding order (baseline first).
   */
  public static Design of(Formula formula, Map<String, VariableType> types, Map<String, List<String>> levels) {
    Set<Set<String>> present = new HashSet<>();
    formula.fixedTerms().forEach(t -> present.add(new HashSet<>(t.variables())));
    List<DesignColumn> cols = new ArrayList<>();
    if (formula.hasIntercept()) {
      cols.add(new DesignColumn("(Intercept)", List.of()));
    }
    boolean fullCodingUsed = formula.hasIntercept();
    for (Term term : formula.fixedTerms()) {
      List<List<Part>> perVariable = new ArrayList<>();
      for (String v : term.variables()) {
        if (!types.get(v).categorical()) {
          perVariable.add(List.of(new Part(v, null, null)));
          continue;
        }
        Set<String> margin = new HashSet<>(term.variables());
        margin.remove(v);
        boolean contrasts = margin.isEmpty() ? fullCodingUsed : present.contains(margin);
        if (margin.isEmpty() && !fullCodingUsed) {
          fullCodingUsed = true;
        }
        List<String> lv = levels.get(v);
        List<Part> parts = new ArrayList<>();
        for (int i = contrasts ? 1 : 0; i < lv.size(); i++) {
          Double numeric = types.get(v) == VariableType.CATEGORICAL_NUMBER ? Double.valueOf(lv.get(i)) : null;
          parts.add(new Part(v, lv.get(i), numeric));
        }
        perVariable.add(parts);
      }
      for (List<Part> combination : cartesianFirstFastest(perVariable)) {
        StringBuilder name = new StringBuilder();
        for (Part p : combination) {
          if (name.length() > 0) {
            name.append(':');
          }
          name.append(p.variable()).append(p.level() == null ? "" : p.level());
        }
        cols.add(new DesignColumn(name.toString(), combination));
      }
    }
    if (cols.isEmpty()) {
      throw TtoException.of(
          "Formula " + formula.text() + " has no fixed effects",
          "with the intercept removed and no terms, there is nothing to estimate",
          "keep the intercept (remove -1 / 0 +) or add a term");
    }
    return new Design(formula, types, levels, cols);
  }

  private static List<List<Part>> cartesianFirstFastest(List<List<Part>> perVariable) {
    List<List<Part>> out = new ArrayList<>();
    out.add(List.of());
    for (List<Part> parts : perVariable) {
      List<List<Part>> next = new ArrayList<>();
      // Later variables vary slowest: for each new part, every existing combination in order.
      for (Part p : parts) {
        for (List<Part> prefix : out) {
          List<Part> c = new ArrayList<>(prefix);
          c.add(p);
          next.add(c);
        }
      }
      out = next;
    }
    return out;
  }

  public Formula formula() {
    return formula;
  }

  /** Model-matrix column names as lme4 names them, in order. */
  public List<String> columnNames() {
    return columns.stream().map(DesignColumn::name).toList();
  }

  public List<DesignColumn> columns() {
    return columns;
  }

  /** Number of fixed-effect columns p (the response is column p of the moment vectors). */
  public int p() {
    return columns.size();
  }

  /** Categorical levels in coding order (baseline first) by variable. */
  public Map<String, List<String>> levels() {
    return levels;
  }

  public Map<String, VariableType> types() {
    return types;
  }

  /**
   * The column expression of design column {@code j} (the caller guards it with {@link #sparkComplete()}), each
   * variable read through {@code variable}: {@code functions::col} for a row's own columns, or one observation's
   * values when a row holds several ({@link SparkMoments}).
   */
  Column sparkColumn(int j, Function<String, Column> variable) {
    Column c = lit(1.0);
    boolean first = true;
    for (Part p : columns.get(j).parts()) {
      Column f = partColumn(p, variable.apply(p.variable()));
      c = first ? f : c.multiply(f);
      first = false;
    }
    return c;
  }

  /** The response, read through {@code variable} (see {@link #sparkColumn}). */
  Column sparkResponse(Function<String, Column> variable) {
    return variable.apply(formula.response()).cast("double");
  }

  /** True when a row has every value the model needs (response, covariates, grouping columns). */
  public Column sparkComplete() {
    return sparkComplete(formula, types, functions::col);
  }

  Column sparkComplete(Function<String, Column> variable) {
    return sparkComplete(formula, types, variable);
  }

  static Column sparkComplete(Formula formula, Map<String, VariableType> types) {
    return sparkComplete(formula, types, functions::col);
  }

  private static Column sparkComplete(
      Formula formula, Map<String, VariableType> types, Function<String, Column> variable) {
    Column ok = lit(true);
    for (String v : formula.columns()) {
      Column value = variable.apply(v);
      Column present = value.isNotNull();
      if (types.get(v) == VariableType.NUMBER) {
        present = present.and(isnan(value.cast("double")).unary_$bang());
      }
      ok = ok.and(present);
    }
    return ok;
  }

  private static Column partColumn(Part p, Column value) {
    if (p.level() == null) {
      return value.cast("double");
    }
    Column match = p.numericLevel() != null
        ? value.cast("double").equalTo(lit(p.numericLevel()))
        : value.cast("string").equalTo(lit(p.level()));
    return when(match, lit(1.0)).otherwise(lit(0.0));
  }

  /**
   * The moment vector z = (x₁ … x_p, y) of one in-memory row, or null when the row lacks a value the model
   * needs (it is then dropped and counted, as {@link #sparkComplete()} does in Spark).
   */
  public double[] evaluate(Function<String, Object> row) {
    for (String v : formula.columns()) {
      Object o = row.apply(v);
      if (o == null || types.get(v) == VariableType.NUMBER && Double.isNaN(((Number) o).doubleValue())) {
        return null;
      }
    }
    double[] z = new double[columns.size() + 1];
    for (int j = 0; j < columns.size(); j++) {
      double value = 1.0;
      for (Part p : columns.get(j).parts()) {
        value *= partValue(p, row.apply(p.variable()));
      }
      z[j] = value;
    }
    z[columns.size()] = ((Number) row.apply(formula.response())).doubleValue();
    return z;
  }

  private static double partValue(Part p, Object value) {
    if (p.level() == null) {
      return ((Number) value).doubleValue();
    }
    if (p.numericLevel() != null) {
      return ((Number) value).doubleValue() == p.numericLevel() ? 1.0 : 0.0;
    }
    return p.level().equals(String.valueOf(value)) ? 1.0 : 0.0;
  }

  /** How a variable enters the model. */
  public enum VariableType {
    /** A numeric column used as a number. */
    NUMBER,
    /** A string or boolean column: categorical with levels in string order. */
    CATEGORICAL_STRING,
    /** A numeric column declared categorical: levels in numeric order. */
    CATEGORICAL_NUMBER,
    /** A column used only to group (its values are labels). */
    GROUPING;

    public boolean categorical() {
      return this == CATEGORICAL_STRING || this == CATEGORICAL_NUMBER;
    }
  }
}
