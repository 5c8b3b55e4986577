package uk.nhs.tto.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in lowercase hex: the identity of an extract file's bytes and of an ingest batch. */
final class Sha256 {

  private Sha256() {}

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  /** Hex digest of everything {@code in} yields; the stream is read to its end but not closed. */
  static String of(InputStream in) throws IOException {
    MessageDigest d = digest();
    byte[] buf = new byte[1 << 16];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      d.update(buf, 0, n);
    }
    return hex(d);
  }

  static String of(String text) {
    MessageDigest d = digest();
    d.update(text.getBytes(StandardCharsets.UTF_8));
    return hex(d);
  }

  static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }
}
