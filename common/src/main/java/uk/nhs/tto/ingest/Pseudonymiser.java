package uk.nhs.tto.ingest;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces an identifier ({@code Person_ID}, {@code PathwayID}, {@code CareProfLocalId}) by the lowercase hex
 * HMAC-SHA256 of its UTF-8 bytes under the lakehouse's secret key: the same value and key always give the same
 * pseudonym, so joins still work, and without the key a pseudonym cannot be turned back or recomputed.
 *
 * <p>It travels to executors inside Spark tasks; the key is never printed ({@link #toString()} hides it). Each
 * deserialised copy (one per task) keeps a bounded cache, because an id repeats on many rows of a file.
 */
public final class Pseudonymiser implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final String ALGORITHM = "HmacSHA256";
  private static final int CACHE_LIMIT = 200_000;

  private final byte[] key;
  private transient Mac mac;
  private transient Map<String, String> cache;

  Pseudonymiser(byte[] key) {
    this.key = key.clone();
    mac();
  }

  /** The pseudonym of a delivered value; null stays null. */
  public String pseudonym(String value) {
    if (value == null) {
      return null;
    }
    if (cache == null) {
      cache = new HashMap<>();
    }
    String known = cache.get(value);
    if (known != null) {
      return known;
    }
    String hashed = HexFormat.of().formatHex(mac().doFinal(value.getBytes(StandardCharsets.UTF_8)));
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(value, hashed);
    return hashed;
  }

  private Mac mac() {
    if (mac == null) {
      try {
        mac = Mac.getInstance(ALGORITHM);
        mac.init(new SecretKeySpec(key, ALGORITHM));
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        throw new IllegalStateException("every Java runtime provides " + ALGORITHM, e);
      }
    }
    return mac;
  }

  @Override
  public String toString() {
    return "Pseudonymiser[HMAC-SHA256, key not shown]";
  }
}
