package uk.nhs.tto.cohorts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.errors.TtoException;

class CohortFileTest {

  private static final String HEADER = "OrgID_Provider,ChangeDate,WindowMonths,WashoutDays\n";

  @TempDir Path dir;

  @Test
  void readsOneDefinitionPerServiceWithAnEmptyWashoutMeaningZero() throws IOException {
    Path f = write("\uFEFF" + HEADER + "# training dates\nS1,2024-03-31,1,10\nS2,2024-06-15,12,\n");
    List<CohortDefinition> defs = CohortFile.load(f);
    assertThat(defs).containsExactly(
        new CohortDefinition("S1", LocalDate.of(2024, 3, 31), 1, 10),
        new CohortDefinition("S2", LocalDate.of(2024, 6, 15), 12, 0));
  }

  @Test
  void windowEdgesClampTheDayToTheMonthsEnd() {
    // SPEC §5: C 2024-03-31, W 1 -> C − W = 2024-02-29 (no 31 February); C + W = 2024-04-30.
    CohortDefinition d = new CohortDefinition("S1", LocalDate.of(2024, 3, 31), 1, 10);
    assertThat(d.windowStart()).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(d.windowEnd()).isEqualTo(LocalDate.of(2024, 4, 30));
    // 10 days of washout from 31 March end (exclusive) on 10 April.
    assertThat(d.washoutEnd()).isEqualTo(LocalDate.of(2024, 4, 10));
    // 2023 is not a leap year: 2023-03-31 − 1 month = 2023-02-28.
    assertThat(new CohortDefinition("S1", LocalDate.of(2023, 3, 31), 1, 0).windowStart())
        .isEqualTo(LocalDate.of(2023, 2, 28));
  }

  @Test
  void aBadHeaderIsRefused() throws IOException {
    Path f = write("service,date,window\nS1,2024-03-31,1\n");
    assertThatThrownBy(() -> CohortFile.load(f))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining(f + " line 1")
        .hasMessageContaining("OrgID_Provider,ChangeDate,WindowMonths,WashoutDays");
  }

  @Test
  void aDateThatDoesNotExistIsRefusedNamingTheLine() throws IOException {
    Path f = write(HEADER + "S1,2024-02-30,6,0\n");
    assertThatThrownBy(() -> CohortFile.load(f))
        .hasMessageContaining(f + " line 2: ChangeDate '2024-02-30' is not a date (yyyy-MM-dd)");
  }

  @Test
  void aWindowBelowOneMonthIsRefused() throws IOException {
    assertThatThrownBy(() -> CohortFile.load(write(HEADER + "S1,2024-03-31,-3,0\n")))
        .hasMessageContaining("line 2: WindowMonths is -3 but must be at least 1");
    assertThatThrownBy(() -> CohortFile.load(write(HEADER + "S1,2024-03-31,0,0\n")))
        .hasMessageContaining("WindowMonths is 0");
  }

  @Test
  void aNegativeOrNonNumericWashoutIsRefused() throws IOException {
    assertThatThrownBy(() -> CohortFile.load(write(HEADER + "S1,2024-03-31,6,-1\n")))
        .hasMessageContaining("line 2: WashoutDays is -1 but must not be negative");
    assertThatThrownBy(() -> CohortFile.load(write(HEADER + "S1,2024-03-31,6,two\n")))
        .hasMessageContaining("line 2: WashoutDays 'two' is not a whole number");
  }

  @Test
  void aServiceListedTwiceOrAShortLineIsRefused() throws IOException {
    assertThatThrownBy(() -> CohortFile.load(write(HEADER + "S1,2024-03-31,6,0\nS1,2024-05-01,6,0\n")))
        .hasMessageContaining("line 3: service S1 is listed again (first at line 2)");
    assertThatThrownBy(() -> CohortFile.load(write(HEADER + "S1,2024-03-31\n")))
        .hasMessageContaining("line 2: has 2 fields where the header has 4");
  }

  private Path write(String content) throws IOException {
    Path f = dir.resolve("cohorts.csv");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }
}
