package uk.nhs.tto.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/** Folders a test copies, or made and no longer needs. */
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

  /**
   * Copies the tree {@code from} to {@code to}, leaving out each path of {@code left} (relative to {@code from}) and
   * everything under it: an extract without some of its submissions.
   */
  public static void copyExcept(Path from, Path to, Collection<String> left) throws IOException {
    List<Path> skip = left.stream().map(from::resolve).toList();
    try (Stream<Path> all = Files.walk(from)) {
      all.filter(p -> skip.stream().noneMatch(p::startsWith)).forEach(p -> {
        try {
          Path target = to.resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
