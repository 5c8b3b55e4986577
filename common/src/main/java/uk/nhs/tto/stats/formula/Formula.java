package uk.nhs.tto.stats.formula;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import uk.nhs.tto.errors.TtoException;

/**
 * A linear mixed-model formula in lme4's syntax, restricted to nested random intercepts.
 *
 * <p>Accepted: {@code response ~ fixed terms + random intercepts}, where fixed terms combine column names with
 * {@code +}, {@code *}, {@code :}, {@code /}, parentheses, {@code -term}, and {@code -1} or {@code 0 +} to drop the
 * intercept; random intercepts are {@code (1|a)}, {@code (1|a/b)}, {@code (1|a/b/c)} or the equivalent
 * {@code (1|a) + (1|a:b)}. Fixed terms are ordered as R's {@code terms()} orders them (by order of interaction,
 * then by appearance) and named as lme4 names them; grouping levels are named as lme4's {@code expandSlash} names
 * them ({@code (1|batch/cask)} gives {@code cask:batch} and {@code batch}).
 */
public final class Formula {

  private final String text;
  private final String response;
  private final boolean intercept;
  private final List<Term> fixedTerms;
  private final List<GroupingLevel> levels;

  private Formula(String text, String response, boolean intercept, List<Term> fixedTerms, List<GroupingLevel> levels) {
    this.text = text;
    this.response = response;
    this.intercept = intercept;
    this.fixedTerms = List.copyOf(fixedTerms);
    this.levels = List.copyOf(levels);
  }

  /** Parses a formula; a syntax error or an unsupported construct is a {@link TtoException} saying where. */
  public static Formula parse(String text) {
    if (text == null || text.isBlank()) {
      throw TtoException.of(
          "The formula is empty", "a model needs a response and terms",
          "write e.g. \"score ~ time*cohort + (1|service/client)\"");
    }
    return new FormulaParser(text.trim()).parse();
  }

  static Formula of(String text, String response, boolean intercept, List<Term> terms, List<GroupingLevel> levels) {
    return new Formula(text, response, intercept, terms, levels);
  }

  /** The formula as written (whitespace trimmed). */
  public String text() {
    return text;
  }

  /** The response column. */
  public String response() {
    return response;
  }

  /** Whether the fixed part has an intercept (it does unless {@code -1} or {@code 0 +} removed it). */
  public boolean hasIntercept() {
    return intercept;
  }

  /** Fixed-effect terms in R's order (main effects first, then interactions, each in order of appearance). */
  public List<Term> fixedTerms() {
    return fixedTerms;
  }

  /**
   * Grouping levels from the lowest (most groups, e.g. clients) to the top (fewest, e.g. services); each level's
   * columns include all of the columns of the levels above it, so groups are nested by construction.
   */
  public List<GroupingLevel> levels() {
    return levels;
  }

  /** The grouping level called {@code name} (lme4's name), or an error listing the names. */
  public GroupingLevel level(String name) {
    for (GroupingLevel l : levels) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    throw TtoException.of(
        "No random-effect group '" + name + "' in the formula " + text,
        "its groups are " + levels.stream().map(GroupingLevel::name).toList(),
        "use one of those names (lme4's names: (1|a/b) gives groups b:a and a)");
  }

  /** Every column the formula reads: response, fixed-term variables, grouping variables (each once). */
  public List<String> columns() {
    Set<String> all = new LinkedHashSet<>();
    all.add(response);
    fixedTerms.forEach(t -> all.addAll(t.variables()));
    levels.forEach(l -> all.addAll(l.variables()));
    return List.copyOf(all);
  }

  /** The fixed-term variables (each once, in order of appearance). */
  public List<String> fixedVariables() {
    Set<String> all = new LinkedHashSet<>();
    fixedTerms.forEach(t -> all.addAll(t.variables()));
    return List.copyOf(all);
  }

  @Override
  public String toString() {
    return text;
  }

  /** Orders levels lowest first and checks that they nest, as the engine requires. */
  static List<GroupingLevel> nestedOrder(List<GroupingLevel> found, String text) {
    List<GroupingLevel> sorted = new ArrayList<>(found);
    sorted.sort(Comparator.comparingInt((GroupingLevel l) -> l.variables().size()).reversed());
    for (int i = 0; i + 1 < sorted.size(); i++) {
      GroupingLevel lower = sorted.get(i);
      GroupingLevel upper = sorted.get(i + 1);
      Set<String> lowerVars = new LinkedHashSet<>(lower.variables());
      if (lowerVars.equals(new LinkedHashSet<>(upper.variables()))) {
        throw TtoException.of(
            "Formula " + text + ": the random intercept for " + upper.name() + " appears twice",
            "each grouping may have one random intercept",
            "remove the repeated (1|" + upper.name() + ")");
      }
      if (!lowerVars.containsAll(upper.variables())) {
        throw TtoException.of(
            "Formula " + text + ": the random intercepts (1|" + upper.name() + ") and (1|" + lower.name()
                + ") are crossed, not nested",
            "the engine fits nested random intercepts only (each group lies inside one group of the level above)",
            "if " + lower.name() + " is nested in " + upper.name() + ", write (1|" + upper.name() + "/"
                + lower.name() + ") or (1|" + upper.name() + ") + (1|" + upper.name() + ":" + lower.name() + ")");
      }
    }
    return sorted;
  }
}
