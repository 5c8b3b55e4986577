package uk.nhs.tto.stats.formula;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.nhs.tto.errors.TtoException;

/**
 * Recursive-descent parser for {@link Formula}, with R's operator precedence ({@code :} binds tighter than
 * {@code *} and {@code /}, which bind tighter than {@code +} and {@code -}).
 */
final class FormulaParser {

  private static final String EXAMPLE = "e.g. \"score ~ time*cohort + age_band + (1|service/therapist/client)\"";

  private final String text;
  private final List<Token> tokens;
  private int pos;
  /** Variables in order of first appearance (the response first), which orders variables inside term labels. */
  private final Map<String, Integer> appearance = new LinkedHashMap<>();
  private final List<GroupingLevel> levels = new ArrayList<>();

  FormulaParser(String text) {
    this.text = text;
    this.tokens = tokenize(text);
  }

  Formula parse() {
    Token first = peek();
    if (first.kind != Kind.NAME) {
      throw error(
          first, "the formula must start with the response column", "write the response before '~', " + EXAMPLE);
    }
    next();
    String response = first.text;
    note(response);
    Token tilde = next();
    if (tilde.kind != Kind.TILDE) {
      throw error(tilde, "expected '~' after the response '" + response + "'"
          + (tilde.kind == Kind.LPAREN ? " (functions such as log() are not supported)" : ""), EXAMPLE);
    }
    Terms rhs = sum();
    if (peek().kind != Kind.END) {
      throw error(peek(), "unexpected '" + peek().text + "'", "check the operators around it, " + EXAMPLE);
    }
    if (levels.isEmpty()) {
      throw TtoException.of(
          "Formula " + text + " has no random intercept",
          "a mixed model needs at least one grouping, written (1|group)",
          "add e.g. + (1|service_id)");
    }
    List<Set<String>> sets = new ArrayList<>(rhs.terms);
    if (sets.stream().anyMatch(s -> s.contains(response))) {
      throw TtoException.of(
          "Formula " + text + ": the response '" + response + "' is also a fixed term",
          "a column cannot explain itself", "remove it from the right-hand side");
    }
    List<Term> terms = new ArrayList<>();
    for (Set<String> s : sets) {
      List<String> vars = new ArrayList<>(s);
      vars.sort(Comparator.comparingInt(appearance::get));
      terms.add(new Term(vars));
    }
    // R's terms(): by order of interaction, stable within an order.
    terms.sort(Comparator.comparingInt(Term::order));
    return Formula.of(text, response, rhs.intercept, terms, Formula.nestedOrder(levels, text));
  }

  /** sum := ['-'] product (('+' | '-') product)* */
  private Terms sum() {
    Terms acc = new Terms();
    boolean first = true;
    while (true) {
      Token t = peek();
      boolean minus = false;
      if (t.kind == Kind.PLUS || t.kind == Kind.MINUS) {
        minus = t.kind == Kind.MINUS;
        next();
      } else if (!first) {
        return acc;
      }
      Token start = peek();
      if (start.kind == Kind.LPAREN && isRandomTerm()) {
        if (minus) {
          throw error(start, "a random intercept cannot be subtracted", "remove the '-' before it");
        }
        randomTerm();
      } else if (start.kind == Kind.NUMBER) {
        next();
        if (start.text.equals("1")) {
          acc.intercept = !minus;
        } else if (start.text.equals("0")) {
          acc.intercept = false;
        } else {
          throw error(
              start, "the number " + start.text + " is not a term", "only 1 (intercept) and 0 / -1 (no intercept) are");
        }
      } else {
        Terms p = product();
        if (minus) {
          acc.terms.removeAll(p.terms);
        } else {
          p.terms.forEach(acc.terms::add);
        }
      }
      first = false;
    }
  }

  /** product := interaction (('*' | '/') interaction)* */
  private Terms product() {
    Terms left = interaction();
    while (peek().kind == Kind.STAR || peek().kind == Kind.SLASH) {
      Token op = next();
      Terms right = interaction();
      Terms out = new Terms();
      if (op.kind == Kind.STAR) {
        out.terms.addAll(left.terms);
        out.terms.addAll(right.terms);
        out.terms.addAll(cross(left.terms, right.terms));
      } else {
        // a/b = a + a:b where a:b crosses every variable of a with each term of b (R's %in%).
        Set<String> all = new LinkedHashSet<>();
        left.terms.forEach(all::addAll);
        out.terms.addAll(left.terms);
        out.terms.addAll(cross(List.of(all), right.terms));
      }
      left = out;
    }
    return left;
  }

  /** interaction := atom (':' atom)* */
  private Terms interaction() {
    Terms left = atom();
    while (peek().kind == Kind.COLON) {
      next();
      Terms right = atom();
      Terms out = new Terms();
      out.terms.addAll(cross(left.terms, right.terms));
      left = out;
    }
    return left;
  }

  private Terms atom() {
    Token t = next();
    switch (t.kind) {
      case NAME -> {
        if (peek().kind == Kind.LPAREN) {
          throw error(t, "functions such as " + t.text + "() are not supported in formulas",
              "compute the column beforehand and use its name");
        }
        note(t.text);
        Terms out = new Terms();
        out.terms.add(new LinkedHashSet<>(List.of(t.text)));
        return out;
      }
      case LPAREN -> {
        if (isRandomTermAt(pos - 1)) {
          throw error(t, "a random intercept (1|…) can only be added with '+'", "write … + (1|group)");
        }
        Terms inner = sum();
        expect(Kind.RPAREN, "')' to close the '(' at position " + (t.position + 1));
        return inner;
      }
      case NUMBER -> throw error(t, "the number " + t.text + " cannot be used inside an interaction",
          "use 1, 0 or -1 only as a term of its own");
      case END -> throw error(t, "the formula ends where a term was expected", "complete it, " + EXAMPLE);
      default -> throw error(t, "expected a column name, found '" + t.text + "'", EXAMPLE);
    }
  }

  /** (1 | group) where group := component ('/' component)*, component := name (':' name)*. */
  private void randomTerm() {
    Token open = next();
    Token one = next();
    if (one.kind != Kind.NUMBER || !one.text.equals("1") || peek().kind != Kind.BAR) {
      throw error(one, "only random intercepts (1|group) are supported, not random slopes or other terms before '|'",
          "write (1|" + "group) and add the slope variable as a fixed term");
    }
    next();
    List<List<String>> components = new ArrayList<>();
    do {
      List<String> component = new ArrayList<>();
      do {
        Token name = next();
        if (name.kind != Kind.NAME) {
          throw error(name, "expected a grouping column after '|', '/' or ':'", "write e.g. (1|service/client)");
        }
        note(name.text);
        component.add(name.text);
      } while (peek().kind == Kind.COLON && next() != null);
      components.add(component);
    } while (peek().kind == Kind.SLASH && next() != null);
    expect(Kind.RPAREN, "')' to close the random intercept opened at position " + (open.position + 1));
    // lme4's expandSlash: a/b/c gives c:(b:a), b:a and a.
    String name = null;
    Set<String> vars = new LinkedHashSet<>();
    for (List<String> component : components) {
      String label = String.join(":", component);
      name = name == null ? label : label + ":" + (name.contains(":") ? "(" + name + ")" : name);
      List<String> ordered = new ArrayList<>(component);
      ordered.addAll(vars);
      vars = new LinkedHashSet<>(ordered);
      if (vars.size() != ordered.size()) {
        throw error(open, "a grouping column appears twice in (1|…)", "name each column once");
      }
      levels.add(new GroupingLevel(name, new ArrayList<>(vars)));
    }
  }

  private boolean isRandomTerm() {
    return isRandomTermAt(pos);
  }

  /** Whether the '(' at index i encloses a '|' at its own nesting depth. */
  private boolean isRandomTermAt(int i) {
    int depth = 0;
    for (int j = i; j < tokens.size(); j++) {
      Kind k = tokens.get(j).kind;
      if (k == Kind.LPAREN) {
        depth++;
      } else if (k == Kind.RPAREN) {
        depth--;
        if (depth == 0) {
          return false;
        }
      } else if (k == Kind.BAR && depth == 1) {
        return true;
      }
    }
    return false;
  }

  private static List<Set<String>> cross(List<Set<String>> left, List<Set<String>> right) {
    List<Set<String>> out = new ArrayList<>();
    for (Set<String> r : right) {
      for (Set<String> l : left) {
        Set<String> s = new LinkedHashSet<>(l);
        s.addAll(r);
        if (!out.contains(s)) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private void note(String name) {
    appearance.putIfAbsent(name, appearance.size());
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind != Kind.END) {
      pos++;
    }
    return t;
  }

  private void expect(Kind kind, String what) {
    Token t = next();
    if (t.kind != kind) {
      throw error(t, "expected " + what + ", found " + (t.kind == Kind.END ? "the end" : "'" + t.text + "'"), EXAMPLE);
    }
  }

  private TtoException error(Token at, String what, String fix) {
    String pointer = text + "\n" + " ".repeat(Math.min(at.position, text.length())) + "^";
    return TtoException.of(
        "Formula error at position " + (at.position + 1) + ": " + what, "in\n" + pointer + "\n", fix);
  }

  private List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '.' && i + 1 < s.length() && !Character.isDigit(s.charAt(i + 1))
          || c == '_') {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '_')) {
          i++;
        }
        out.add(new Token(Kind.NAME, s.substring(start, i), start));
      } else if (c == '`') {
        int end = s.indexOf('`', i + 1);
        if (end < 0) {
          throw error(new Token(Kind.END, "`", i), "a back-quoted name is not closed", "add the closing `");
        }
        out.add(new Token(Kind.NAME, s.substring(i + 1, end), i));
        i = end + 1;
      } else if (Character.isDigit(c) || c == '.') {
        int start = i;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++;
        }
        out.add(new Token(Kind.NUMBER, s.substring(start, i), start));
      } else {
        Kind k = switch (c) {
          case '~' -> Kind.TILDE;
          case '+' -> Kind.PLUS;
          case '-' -> Kind.MINUS;
          case '*' -> Kind.STAR;
          case ':' -> Kind.COLON;
          case '/' -> Kind.SLASH;
          case '|' -> Kind.BAR;
          case '(' -> Kind.LPAREN;
          case ')' -> Kind.RPAREN;
          default -> throw error(new Token(Kind.END, String.valueOf(c), i),
              "the character '" + c + "' is not part of the supported formula syntax",
              "use + * : / - ( ) | and column names (back-quote unusual names: `age band`)");
        };
        out.add(new Token(k, String.valueOf(c), i));
        i++;
      }
    }
    out.add(new Token(Kind.END, "", s.length()));
    return out;
  }

  private enum Kind { NAME, NUMBER, TILDE, PLUS, MINUS, STAR, COLON, SLASH, BAR, LPAREN, RPAREN, END }

  private record Token(Kind kind, String text, int position) {}

  /** Terms of a sub-expression (as variable sets) and the intercept they imply. */
  private static final class Terms {
    final List<Set<String>> terms = new UniqueList();
    boolean intercept = true;
  }

  /** A list that ignores repeated terms ({@code a + a} is {@code a}). */
  private static final class UniqueList extends ArrayList<Set<String>> {
    @Override
    public boolean add(Set<String> s) {
      return !contains(s) && super.add(s);
    }

    @Override
    public boolean addAll(java.util.Collection<? extends Set<String>> c) {
      boolean changed = false;
      for (Set<String> s : c) {
        changed |= add(s);
      }
      return changed;
    }
  }
}
