package uk.nhs.tto.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordReaderTest {

  private static final String FILE = "T0001/1489/IDS101Referral.csv";

  private static CsvRecordReader reader(byte[] bytes) throws Exception {
    return new CsvRecordReader(FILE, new ByteArrayInputStream(bytes));
  }

  private static CsvRecordReader reader(String text) throws Exception {
    return reader(text.getBytes(StandardCharsets.UTF_8));
  }

  /** "line: v1|v2|…" for each record, or "line: ! problem" when it does not split. */
  private static List<String> records(CsvRecordReader r) throws Exception {
    List<String> out = new ArrayList<>();
    while (r.next()) {
      out.add(r.line() + ": " + (r.values() == null ? "! " + r.splitProblem() : String.join("|",
          Arrays.stream(r.values()).map(String::valueOf).toList())));
    }
    return out;
  }

  @Test
  void readsHeaderAndTrimmedValuesWithEmptyAsNull() throws Exception {
    CsvRecordReader r = reader("a,b,c\n 1 , x y ,\n2,,3\n");
    assertThat(r.header()).containsExactly("a", "b", "c");
    assertThat(records(r)).containsExactly("2: 1|x y|null", "3: 2|null|3");
  }

  @Test
  void acceptsAByteOrderMarkAndCrlfLineEndings() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = "a,b\r\n1,2\r\n3,4".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, bytes, 0, 3);
    System.arraycopy(body, 0, bytes, 3, body.length);
    CsvRecordReader r = reader(bytes);
    assertThat(r.header()).containsExactly("a", "b");
    assertThat(records(r)).containsExactly("2: 1|2", "3: 3|4");
  }

  @Test
  void quotedValuesMayHoldCommasAndDoubledQuotes() throws Exception {
    CsvRecordReader r = reader("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"\",\" z \"\n");
    assertThat(records(r)).containsExactly("2: x, y|say \"hi\"", "3: null|z");
  }

  @Test
  void aQuoteThatIsNotClosedOnItsLineDoesNotSplit() throws Exception {
    CsvRecordReader r = reader("a,b\n1,\"open\n2,3\n");
    assertThat(records(r))
        .containsExactly(
            "2: ! has a quoted value (value 2) that is not closed on its line; a quoted value may not span lines",
            "3: 2|3");
  }

  @Test
  void textAfterAClosingQuoteDoesNotSplit() throws Exception {
    assertThat(records(reader("a,b\n\"x\"y,2\n"))).containsExactly("2: ! has text after the closing quote of value 1");
  }

  @Test
  void aLineWithTooFewOrTooManyValuesDoesNotSplitButKeepsItsPieces() throws Exception {
    CsvRecordReader r = reader("a,b,c\n1,2\n1,2,3,4\n");
    assertThat(r.next()).isTrue();
    assertThat(r.values()).isNull();
    assertThat(r.pieces()).containsExactly("1", "2");
    assertThat(r.splitProblem()).isEqualTo("has 2 values but the header has 3 columns");
    assertThat(r.next()).isTrue();
    assertThat(r.pieces()).containsExactly("1", "2", "3", "4");
    assertThat(r.splitProblem()).isEqualTo("has 4 values but the header has 3 columns");
  }

  @Test
  void blankLinesCarryNoRecordButKeepTheLineNumbering() throws Exception {
    assertThat(records(reader("a\n\n1\n   \n2"))).containsExactly("3: 1", "5: 2");
  }

  @Test
  void aHeaderOnlyFileHasNoRecords() throws Exception {
    CsvRecordReader r = reader("a,b\n");
    assertThat(r.header()).containsExactly("a", "b");
    assertThat(r.next()).isFalse();
  }

  @Test
  void linesLongerThanTheReadBufferAreWhole() throws Exception {
    String longValue = "x".repeat(200_000);
    assertThat(records(reader("a,b\n" + longValue + ",1\n"))).containsExactly("2: " + longValue + "|1");
  }

  @Test
  void checksumIsOfTheBytesRead() throws Exception {
    CsvRecordReader r = reader("a\n1\n");
    records(r);
    // Computed independently: printf 'a\n1\n' | sha256sum
    assertThat(r.sha256()).isEqualTo("309b0e45a73d3fc5325e2b6ed0a01ef8b9cde6b05a5633c1f893f970d52bfddc");
  }

  @Test
  void anEmptyFileIsRefused() {
    assertThatThrownBy(() -> reader(new byte[0]))
        .isInstanceOf(FileRefusal.class)
        .hasMessageStartingWith(FILE + " is empty (0 bytes)");
  }

  @Test
  void aFileWhoseFirstLineIsBlankHasNoHeader() {
    assertThatThrownBy(() -> reader("\na,b\n")).isInstanceOf(FileRefusal.class).hasMessageContaining("no header row");
  }

  @Test
  void anUnnamedHeaderColumnIsRefused() {
    assertThatThrownBy(() -> reader("a,b,\n1,2,3\n"))
        .isInstanceOf(FileRefusal.class)
        .hasMessageContaining("header column 3 has no name");
  }

  @Test
  void invalidUtf8IsRefusedNamingTheLine() throws Exception {
    // "caf\xE9": Latin-1 e-acute is not UTF-8.
    byte[] latin1 = "a,b\n1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    CsvRecordReader r = reader(latin1);
    assertThatThrownBy(r::next)
        .isInstanceOf(FileRefusal.class)
        .hasMessageStartingWith(FILE + " is not valid UTF-8 (line 2, byte 6 of the line)");
  }

  @Test
  void validMultiByteUtf8IsRead() throws Exception {
    assertThat(records(reader("a\ncaf\u00e9 \u2013 \uD83D\uDE00\n"))).containsExactly("2: caf\u00e9 \u2013 \uD83D\uDE00");
  }

  @Test
  void overlongAndSurrogateEncodingsAreNotUtf8() {
    assertThat(Utf8.firstInvalid(HexFormat.of().parseHex("c0af"), 0, 2)).isZero(); // overlong '/'
    assertThat(Utf8.firstInvalid(HexFormat.of().parseHex("eda080"), 0, 3)).isZero(); // U+D800
    assertThat(Utf8.firstInvalid(HexFormat.of().parseHex("41e282"), 0, 3)).isEqualTo(1); // truncated
    assertThat(Utf8.firstInvalid(HexFormat.of().parseHex("41e282ac"), 0, 4)).isEqualTo(-1); // euro sign
  }
}
