package uk.nhs.tto.quality;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises direct identifiers that must never enter the lakehouse (SPEC §1): a column named like an NHS number,
 * a name, an address, a postcode or a date of birth, and a value that is an NHS number or shaped like a UK
 * postcode. A file carrying either is refused whole; messages name the column, never the value.
 *
 * <p>False positives, knowingly accepted: about one random 10-digit number in eleven passes the NHS number
 * check digit, so a delivered id that is exactly ten digits (alone or spaced 3-3-4) refuses its file now and
 * then. Ids with any other length or with letters (the generator's {@code T0001-…} ids, SNOMED codes of 9 or
 * 15+ digits, {@code Unique_MonthID}) never match. Likewise a five-to-eight character code such as
 * {@code AB1 2DE} reads as a postcode; IDS codes (ICD-10 with a dot, SNOMED digits, one-letter categories)
 * never do.
 */
public final class DirectIdentifiers {

  /**
   * UK postcode shape (the Royal Mail/ONS pattern: outward code, optional space, inward code with the letters
   * postcodes use), case-insensitive, plus the special GIR 0AA.
   */
  private static final Pattern POSTCODE =
      Pattern.compile(
          "(?i)GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9](?:[0-9ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW]) ?[0-9][ABD-HJLNP-UW-Z]{2}");

  /** Normalised name fragments (lower case, letters and digits only) and what they reveal. */
  private static final List<String[]> NAME_FRAGMENTS =
      List.of(
          new String[] {"forename", "a person's name"},
          new String[] {"surname", "a person's name"},
          new String[] {"firstname", "a person's name"},
          new String[] {"lastname", "a person's name"},
          new String[] {"givenname", "a person's name"},
          new String[] {"familyname", "a person's name"},
          new String[] {"middlename", "a person's name"},
          new String[] {"fullname", "a person's name"},
          new String[] {"personname", "a person's name"},
          new String[] {"patientname", "a person's name"},
          new String[] {"clientname", "a person's name"},
          new String[] {"address", "an address"},
          new String[] {"postcode", "a postcode"},
          new String[] {"postalcode", "a postcode"},
          new String[] {"zipcode", "a postcode"},
          new String[] {"dateofbirth", "a date of birth"},
          new String[] {"birthdate", "a date of birth"});

  /** {@code NHSNumber}, {@code NHS_No}, {@code PersonNHSNum1}; not {@code NHSNotice}. */
  private static final Pattern NHS_NUMBER_NAME = Pattern.compile("nhs(?:number|num|no)(?![a-z])");

  private DirectIdentifiers() {}

  /**
   * What a column's name says it holds when that is a direct identifier ("an NHS number", "a person's name",
   * "an address", "a postcode", "a date of birth"), or empty. Matching ignores case and separators, so
   * {@code NHSNumber}, {@code NHS_Number} and {@code nhs number} are all caught; {@code DOB} and {@code Name}
   * must be a whole word of the name ({@code PersonDOB}, {@code DOBDate}, {@code DOB_Date}, {@code Name}).
   */
  public static Optional<String> columnNameKind(String column) {
    String normalised = column.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (NHS_NUMBER_NAME.matcher(normalised).find()) {
      return Optional.of("an NHS number");
    }
    for (String[] fragment : NAME_FRAGMENTS) {
      if (normalised.contains(fragment[0])) {
        return Optional.of(fragment[1]);
      }
    }
    List<String> words = words(column);
    if (words.contains("dob")) {
      return Optional.of("a date of birth");
    }
    if (words.equals(List.of("name"))) {
      return Optional.of("a person's name");
    }
    return Optional.empty();
  }

  /** What a (trimmed) value is when it is a direct identifier ("an NHS number", "a UK postcode"), or null. */
  public static String valueKind(String value) {
    if (isNhsNumber(value)) {
      return "an NHS number";
    }
    if (isPostcode(value)) {
      return "a UK postcode";
    }
    return null;
  }

  /**
   * True for exactly ten digits, written together or spaced 3-3-4, whose tenth digit is the NHS modulus-11 check
   * digit of the first nine (weights 10 down to 2; 11 - remainder, 11 reads as 0, 10 is never valid).
   */
  public static boolean isNhsNumber(String value) {
    int n = value.length();
    if (n != 10 && n != 12) {
      return false;
    }
    int[] digits = new int[10];
    int d = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (n == 12 && (i == 3 || i == 7)) {
        if (c != ' ') {
          return false;
        }
      } else if (c >= '0' && c <= '9') {
        digits[d++] = c - '0';
      } else {
        return false;
      }
    }
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += digits[i] * (10 - i);
    }
    int check = 11 - sum % 11;
    if (check == 11) {
      check = 0;
    }
    return check != 10 && check == digits[9];
  }

  /** True for a value shaped like a UK postcode ({@code SW1A 1AA}, {@code m11ae}); a cheap shape test runs first. */
  public static boolean isPostcode(String value) {
    int n = value.length();
    if (n < 5 || n > 8) {
      return false;
    }
    // Every postcode starts with a letter and ends digit-letter-letter; most values fail here, before the regex.
    if (!Character.isLetter(value.charAt(0))
        || !isAsciiLetter(value.charAt(n - 1))
        || !isAsciiLetter(value.charAt(n - 2))
        || !Character.isDigit(value.charAt(n - 3))) {
      return false;
    }
    return POSTCODE.matcher(value).matches();
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** Words of a column name: split at separators and at lower-to-upper case changes ({@code PersonDOB}). */
  private static List<String> words(String column) {
    String spaced =
        column
            .replaceAll("([a-z0-9])([A-Z])", "$1 $2")
            .replaceAll("([A-Z]+)([A-Z][a-z])", "$1 $2")
            .replaceAll("[^A-Za-z0-9]+", " ")
            .trim();
    return spaced.isEmpty() ? List.of() : List.of(spaced.toLowerCase(Locale.ROOT).split(" "));
  }
}
