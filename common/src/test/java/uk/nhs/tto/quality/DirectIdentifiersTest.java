package uk.nhs.tto.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.nhs.tto.ingest.IdsTable;

class DirectIdentifiersTest {

  /*
   * 943 476 5919 is NHS Digital's published example number. By hand: digits 9 4 3 4 7 6 5 9 1 times weights
   * 10..2 = 90+36+24+28+42+30+20+27+2 = 299; 299 mod 11 = 2; 11 - 2 = 9 = the tenth digit.
   */
  @ParameterizedTest
  @ValueSource(strings = {"9434765919", "943 476 5919"})
  void tenDigitsWithTheRightCheckDigitAreAnNhsNumber(String value) {
    assertThat(DirectIdentifiers.isNhsNumber(value)).isTrue();
    assertThat(DirectIdentifiers.valueKind(value)).isEqualTo("an NHS number");
  }

  /* 0000000019: sum = 1*2 = 2, 11 - 2 = 9. 0000000000: sum 0, 11 - 0 = 11, which reads as 0. */
  @Test
  void checkDigitElevenReadsAsZero() {
    assertThat(DirectIdentifiers.isNhsNumber("0000000019")).isTrue();
    assertThat(DirectIdentifiers.isNhsNumber("0000000000")).isTrue();
  }

  /* 000000006x: sum = 6*2 = 12, 12 mod 11 = 1, 11 - 1 = 10: no tenth digit can match, never a valid number. */
  @Test
  void checkDigitTenIsNeverValid() {
    IntStream.rangeClosed(0, 9)
        .forEach(d -> assertThat(DirectIdentifiers.isNhsNumber("000000006" + d)).as("digit %d", d).isFalse());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9434765918", // wrong check digit
        "94347659190", // eleven digits
        "943476591", // nine digits
        "943-476-5919", // dashes are not the 3-3-4 spacing
        "9434 76 5919",
        "T0001-C00017",
        "720433000", // PHQ-9 SNOMED code
        "932621000000100", // WSAS item SNOMED code
        "1489"
      })
  void otherValuesAreNotNhsNumbers(String value) {
    assertThat(DirectIdentifiers.isNhsNumber(value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "sw1a1aa", "W1A 0AX"})
  void valuesShapedLikeUkPostcodesAreFound(String value) {
    assertThat(DirectIdentifiers.isPostcode(value)).isTrue();
    assertThat(DirectIdentifiers.valueKind(value)).isEqualTo("a UK postcode");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "F32.1", "F411", "F60", "T0001", "T0001-TH017", "PHOBIA_SOCIAL", "A", "99", "2023-04-01", "09:30",
        "QA1 1AA", // Q never starts a postcode
        "AB12CD", // C never appears in the inward code
        "SW1A  1AA" // two spaces
      })
  void idsCodesAreNotPostcodes(String value) {
    assertThat(DirectIdentifiers.isPostcode(value)).isFalse();
    assertThat(DirectIdentifiers.valueKind(value)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"NHSNumber", "NHS_Number", "nhs number", "NHS_No", "PersonNHSNum"})
  void columnsNamedLikeAnNhsNumberAreFound(String column) {
    assertThat(DirectIdentifiers.columnNameKind(column)).contains("an NHS number");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Forename", "Surname", "PersonName", "Person_Name", "Name", "FirstName", "Family Name"})
  void columnsNamedLikeANameAreFound(String column) {
    assertThat(DirectIdentifiers.columnNameKind(column)).contains("a person's name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Address", "AddressLine1", "HomeAddress", "Address_2"})
  void columnsNamedLikeAnAddressAreFound(String column) {
    assertThat(DirectIdentifiers.columnNameKind(column)).contains("an address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Postcode", "PostCode", "Post_Code", "PostalCode", "PersonPostcode"})
  void columnsNamedLikeAPostcodeAreFound(String column) {
    assertThat(DirectIdentifiers.columnNameKind(column)).contains("a postcode");
  }

  @ParameterizedTest
  @ValueSource(strings = {"DateOfBirth", "Date_of_Birth", "DOB", "PersonDOB", "DOBDate", "DOB_Date", "BirthDate",
      "Person_BirthDate"})
  void columnsNamedLikeADateOfBirthAreFound(String column) {
    assertThat(DirectIdentifiers.columnNameKind(column)).contains("a date of birth");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NHSNotice", "ServiceName", "Dobson", "Referral Source", "AgeBand", "Notes"})
  void otherColumnNamesAreNotIdentifiers(String column) {
    assertThat(DirectIdentifiers.columnNameKind(column)).isEmpty();
  }

  @Test
  void noRequiredIdsColumnIsTakenForAnIdentifier() {
    for (IdsTable table : IdsTable.values()) {
      for (String column : table.required().keySet()) {
        assertThat(DirectIdentifiers.columnNameKind(column)).as(column).isEmpty();
      }
    }
  }
}
