package uk.nhs.tto.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.tto.errors.TtoException;

class GeneratorDeterminismTest {

  @TempDir
  Path tmp;

  @Test
  void sameOptionsWriteIdenticalBytesWhateverTheNumberOfThreads() {
    Generator.generate(Extracts.small(tmp.resolve("a")).threads(1).build(), line -> { });
    Generator.generate(Extracts.small(tmp.resolve("b")).threads(3).build(), line -> { });

    Map<String, String> a = Extracts.hashes(tmp.resolve("a"));
    // 3 services x 8 months x 7 tables, plus cohorts.csv and generator.json.
    assertThat(a).hasSize(3 * 8 * 7 + 2);
    assertThat(Extracts.hashes(tmp.resolve("b"))).isEqualTo(a);
  }

  @Test
  void anotherSeedWritesOtherDataInTheSameLayout() {
    Generator.generate(Extracts.small(tmp.resolve("a")).build(), line -> { });
    Generator.generate(Extracts.small(tmp.resolve("b")).seed(8).build(), line -> { });

    Map<String, String> a = Extracts.hashes(tmp.resolve("a"));
    Map<String, String> b = Extracts.hashes(tmp.resolve("b"));
    assertThat(b.keySet()).isEqualTo(a.keySet());
    long same = a.keySet().stream().filter(k -> a.get(k).equals(b.get(k))).count();
    assertThat(same).as("files identical under both seeds").isZero();
  }

  @Test
  void regeneratingIntoTheSameFolderReplacesTheEarlierExtractWhole() {
    Path out = tmp.resolve("x");
    Generator.generate(Extracts.small(out).services(3).build(), line -> { });
    Generator.generate(Extracts.small(out).services(2).build(), line -> { });

    assertThat(Extracts.list(out)).extracting(p -> p.getFileName().toString())
        .containsExactly("T0001", "T0002", "cohorts.csv", "generator.json");
  }

  @Test
  void refusesAFolderHoldingSomethingElse() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(out.resolve("notes.txt"), "keep me");

    assertThatThrownBy(() -> Generator.generate(Extracts.small(out).build(), line -> { }))
        .isInstanceOf(TtoException.class)
        .hasMessageContaining("is not empty")
        .hasMessageContaining("choose an empty or new folder");
    assertThat(out.resolve("notes.txt")).hasContent("keep me");
  }
}
