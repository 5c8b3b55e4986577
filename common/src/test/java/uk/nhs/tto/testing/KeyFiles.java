package uk.nhs.tto.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Pseudonymisation keys for tests: two lakes keyed by one file give the same pseudonyms, so they can be compared. */
public final class KeyFiles {

  private KeyFiles() {}

  /** Writes {@code key} to {@code file} readable by its owner only, as ingest requires; returns {@code file}. */
  public static Path ownerOnly(Path file, String key) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, key, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
