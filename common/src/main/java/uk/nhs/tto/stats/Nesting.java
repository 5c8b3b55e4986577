package uk.nhs.tto.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import uk.nhs.tto.stats.formula.Formula;
import uk.nhs.tto.stats.formula.GroupingLevel;

/**
 * The key layout of nested grouping levels: which columns identify a group at each level, ordered so that the
 * key of every level is a prefix of the key of the level below.
 *
 * <p>Levels are numbered from 0 (lowest, e.g. clients) to {@code depth()-1} (top, e.g. services). The "path" of
 * a lowest-level group is its parent's key (level 1 and up); with one level the path is empty.
 */
final class Nesting implements Serializable {

  private static final long serialVersionUID = 1L;

  private final List<GroupingLevel> levels;
  /** All grouping columns, top level's first, then each lower level's new columns. */
  private final List<String> keyColumns;

  Nesting(Formula formula) {
    this.levels = formula.levels();
    Set<String> ordered = new LinkedHashSet<>();
    for (int l = levels.size() - 1; l >= 0; l--) {
      ordered.addAll(levels.get(l).variables());
    }
    this.keyColumns = new ArrayList<>(ordered);
  }

  int depth() {
    return levels.size();
  }

  GroupingLevel level(int l) {
    return levels.get(l);
  }

  /** Columns whose values identify a group of level {@code l}: a prefix of {@link #lowestKey()}. */
  List<String> key(int l) {
    return keyColumns.subList(0, levels.get(l).variables().size());
  }

  /** Columns identifying a lowest-level group. */
  List<String> lowestKey() {
    return keyColumns;
  }

  /** Columns of a lowest-level group's path (its level-1 key); empty with one level. */
  List<String> pathKey() {
    return depth() == 1 ? List.of() : key(1);
  }

  /** A group's label as lme4 prints it: values joined by ':' in the order of the level's variables. */
  String label(int l, List<String> pathValues) {
    List<String> vars = levels.get(l).variables();
    StringBuilder sb = new StringBuilder();
    for (String v : vars) {
      if (sb.length() > 0) {
        sb.append(':');
      }
      sb.append(pathValues.get(keyColumns.indexOf(v)));
    }
    return sb.toString();
  }
}
