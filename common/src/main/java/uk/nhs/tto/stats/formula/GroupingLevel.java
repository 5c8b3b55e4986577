package uk.nhs.tto.stats.formula;

import java.util.List;

/**
 * One level of nested random intercepts: the grouping factor's lme4 name and the columns whose combined
 * values identify a group.
 *
 * <p>{@code (1|service_id/client_id)} has two levels: {@code client_id:service_id} (columns client_id,
 * service_id) and {@code service_id}. A group's label joins its values with {@code :} in the order of
 * {@link #variables()}, as lme4 labels the levels of an interaction factor ({@code "17:3"}).
 */
public record GroupingLevel(String name, List<String> variables) {

  public GroupingLevel {
    variables = List.copyOf(variables);
  }

  @Override
  public String toString() {
    return name;
  }
}
