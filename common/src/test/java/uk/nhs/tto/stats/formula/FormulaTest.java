package uk.nhs.tto.stats.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import uk.nhs.tto.errors.TtoException;

/** Formulas parse as lme4 reads them: terms ordered and named as R's terms(), groups named as expandSlash. */
class FormulaTest {

  private static List<String> terms(String formula) {
    return Formula.parse(formula).fixedTerms().stream().map(Term::label).toList();
  }

  private static List<String> groups(String formula) {
    return Formula.parse(formula).levels().stream().map(GroupingLevel::name).toList();
  }

  @Test
  void starExpandsToMainEffectsAndInteraction() {
    Formula f = Formula.parse("score ~ time*cohort + (1|service_id/client_id)");
    assertThat(f.response()).isEqualTo("score");
    assertThat(f.hasIntercept()).isTrue();
    assertThat(terms(f.text())).containsExactly("time", "cohort", "time:cohort");
  }

  @Test
  void termsAreOrderedByInteractionOrderThenAppearance() {
    assertThat(terms("y ~ a*b*c + (1|g)")).containsExactly("a", "b", "c", "a:b", "a:c", "b:c", "a:b:c");
    assertThat(terms("y ~ a:b + c + (1|g)")).containsExactly("c", "a:b");
    assertThat(terms("y ~ (a + b)*c + (1|g)")).containsExactly("a", "b", "c", "a:c", "b:c");
  }

  @Test
  void interactionVariablesAreNamedInOrderOfFirstAppearance() {
    assertThat(terms("y ~ cohort*time + (1|g)")).containsExactly("cohort", "time", "cohort:time");
    assertThat(terms("y ~ a + b + b:a + (1|g)")).containsExactly("a", "b", "a:b");
  }

  @Test
  void minusRemovesTermsAndInterceptCanBeDropped() {
    assertThat(terms("y ~ a*b - a:b + (1|g)")).containsExactly("a", "b");
    assertThat(Formula.parse("y ~ x - 1 + (1|g)").hasIntercept()).isFalse();
    assertThat(Formula.parse("y ~ 0 + x + (1|g)").hasIntercept()).isFalse();
    assertThat(Formula.parse("y ~ 1 + (1|g)").fixedTerms()).isEmpty();
  }

  @Test
  void slashInFixedPartNestsAsInR() {
    assertThat(terms("y ~ a/b + (1|g)")).containsExactly("a", "a:b");
  }

  @Test
  void nestedGroupsAreNamedAsLme4ExpandSlashNamesThem() {
    assertThat(groups("score ~ time + (1|service_id/client_id)")).containsExactly("client_id:service_id", "service_id");
    assertThat(groups("strength ~ 1 + (1|batch/cask)")).containsExactly("cask:batch", "batch");
    assertThat(groups("y ~ 1 + (1|service/therapist/client)"))
        .containsExactly("client:(therapist:service)", "therapist:service", "service");
    assertThat(groups("y ~ 1 + (1|a) + (1|a:b)")).containsExactly("a:b", "a");
  }

  @Test
  void groupLevelsListTheirColumnsLowestLevelFirst() {
    Formula f = Formula.parse("y ~ 1 + (1|service/therapist/client)");
    assertThat(f.levels().get(0).variables()).containsExactly("client", "therapist", "service");
    assertThat(f.levels().get(2).variables()).containsExactly("service");
    assertThat(f.columns()).containsExactly("y", "client", "therapist", "service");
  }

  @Test
  void backQuotedNamesMayHoldSpaces() {
    assertThat(terms("y ~ `age band` + (1|g)")).containsExactly("age band");
  }

  @Test
  void randomSlopesAreRefusedWithAnExplanation() {
    assertThatThrownBy(() -> Formula.parse("y ~ x + (x|g)"))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("position 10")
        .hasMessageContaining("only random intercepts");
  }

  @Test
  void crossedGroupsAreRefusedWithTheNestedSpelling() {
    assertThatThrownBy(() -> Formula.parse("y ~ x + (1|a) + (1|b)"))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("crossed, not nested")
        .hasMessageContaining("(1|b/a)");
  }

  @Test
  void aFormulaWithoutRandomInterceptIsRefused() {
    assertThatThrownBy(() -> Formula.parse("y ~ x")).hasMessageContaining("no random intercept");
  }

  @Test
  void syntaxErrorsPointAtTheirPosition() {
    assertThatThrownBy(() -> Formula.parse("y ~ x + "))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("position 8")
        .hasMessageContaining("ends where a term was expected");
    assertThatThrownBy(() -> Formula.parse("y ~ log(x) + (1|g)")).hasMessageContaining("functions such as log()");
    assertThatThrownBy(() -> Formula.parse("y ~ x ^ 2 + (1|g)")).hasMessageContaining("'^'");
    assertThatThrownBy(() -> Formula.parse("y x + (1|g)")).hasMessageContaining("expected '~'");
    assertThatThrownBy(() -> Formula.parse("y ~ x + (1|g")).hasMessageContaining("')' to close");
    assertThatThrownBy(() -> Formula.parse("y ~ y + (1|g)")).hasMessageContaining("also a fixed term");
  }
}
