package uk.nhs.tto.stats.formula;

import java.util.List;

/**
 * One fixed-effect term of a formula: a main effect ({@code time}) or an interaction ({@code time:cohort}).
 *
 * <p>Variables are held in the order R's {@code terms()} uses for the label: the order in which they first
 * appear in the formula, so {@code cohort*time} gives the term {@code cohort:time}.
 */
public record Term(List<String> variables) {

  public Term {
    variables = List.copyOf(variables);
  }

  /** The term's name as lme4 prints it, e.g. {@code time:cohort}. */
  public String label() {
    return String.join(":", variables);
  }

  /** 1 for a main effect, 2 for a two-way interaction, and so on. */
  public int order() {
    return variables.size();
  }

  @Override
  public String toString() {
    return label();
  }
}
