package uk.nhs.tto.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.testing.BronzeFixtures;

class MeasureCatalogTest {

  private static final String HEADER =
      "measure,domain,code,kind,item_min,item_max,total_min,total_max,caseness,caseness_rule,reliable_change\n";

  @TempDir Path dir;

  @Test
  void theShippedCatalogueHoldsSpec2Measures() {
    MeasureCatalog c = MeasureCatalog.load(BronzeFixtures.projectConf("measures.csv"));
    // SPEC §2: PHQ-9 720433000, 0–27, caseness >= 10, reliable change 6.
    Measure phq9 = c.forCode("720433000").orElseThrow();
    assertThat(phq9.name()).isEqualTo("PHQ9");
    assertThat(phq9.domain()).isEqualTo("depression");
    assertThat(phq9.kind()).isEqualTo(Measure.Kind.TOTAL);
    assertThat(phq9.codeMin()).isZero();
    assertThat(phq9.codeMax()).isEqualTo(27);
    assertThat(phq9.caseness()).isEqualTo(10);
    assertThat(phq9.reliableChange()).isEqualTo(6);
    // GAD-7 445455005, 0–21, caseness >= 8, reliable change 4.
    Measure gad7 = c.require("GAD7", "test");
    assertThat(gad7.codes()).containsExactly("445455005");
    assertThat(gad7.codeMax()).isEqualTo(21);
    assertThat(gad7.caseness()).isEqualTo(8);
    assertThat(gad7.reliableChange()).isEqualTo(4);
    // WSAS: 5 items 0–8, total 0–40. Phobia: 3 items 0–8, total 0–24, caseness any item >= 4.
    Measure wsas = c.require("WSAS", "test");
    assertThat(wsas.itemsNeeded()).isEqualTo(5);
    assertThat(wsas.codeMax()).isEqualTo(8);
    assertThat(wsas.totalMax()).isEqualTo(40);
    Measure phobia = c.forCode("PHOBIA_AGORA").orElseThrow();
    assertThat(phobia.itemsNeeded()).isEqualTo(3);
    assertThat(phobia.totalMax()).isEqualTo(24);
    assertThat(phobia.casenessRule()).isEqualTo("any_item");
    assertThat(c.forCode("999999")).isEmpty();
  }

  @Test
  void aCodeListedTwiceIsRefusedWithBothLines() throws IOException {
    Path f = write(HEADER + "PHQ9,depression,720433000,total,0,27,0,27,10,total,6\n"
        + "# comment lines are skipped\n"
        + "GAD7,anxiety,720433000,total,0,21,0,21,8,total,4\n");
    assertThatThrownBy(() -> MeasureCatalog.load(f))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining(f + " line 4")
        .hasMessageContaining("code 720433000 is listed again (first at line 2)");
  }

  @Test
  void linesOfOneMeasureMustAgree() throws IOException {
    Path f = write(HEADER + "WSAS,social_functioning,a,item,0,8,0,40,,,\nWSAS,social_functioning,b,item,0,9,0,40,,,\n");
    assertThatThrownBy(() -> MeasureCatalog.load(f))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("item_max '9' differs from '8' on line 2");
  }

  @Test
  void anUnknownKindOrAWrongHeaderIsRefused() throws IOException {
    Path kind = write(HEADER + "PHQ9,depression,720433000,sum,0,27,0,27,10,total,6\n");
    assertThatThrownBy(() -> MeasureCatalog.load(kind)).hasMessageContaining("kind 'sum' is not known");
    Path header = write("measure,domain,code\nPHQ9,depression,720433000\n");
    assertThatThrownBy(() -> MeasureCatalog.load(header))
        .hasMessageContaining("line 1")
        .hasMessageContaining("it must be exactly measure,domain,code,kind");
  }

  @Test
  void aQuotedFieldMayHoldAComma() {
    assertThat(ConfCsv.split("a,\"b, c\",\"say \"\"hi\"\"\", d ")).containsExactly("a", "b, c", "say \"hi\"", "d");
  }

  private Path write(String content) throws IOException {
    Path f = dir.resolve("measures.csv");
    Files.writeString(f, content);
    return f;
  }
}
