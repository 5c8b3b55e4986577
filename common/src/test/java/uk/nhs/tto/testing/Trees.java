package uk.nhs.tto.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Folders a test made and no longer needs. */
public final class Trees {

  private Trees() {}

  /** Deletes {@code root} and everything under it; nothing when it does not exist. */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> deepestFirst;
    try (Stream<Path> files = Files.walk(root)) {
      deepestFirst = files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
    }
    for (Path p : deepestFirst) {
      Files.delete(p);
    }
  }
}
