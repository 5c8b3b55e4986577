package uk.nhs.tto.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Shares files between Spark tasks by size (longest-processing-time first: biggest file to the lightest task), so
 * one task per share keeps every core busy even when a few services deliver most of the bytes.
 */
final class Bins {

  /** Bytes one task aims to read: big enough to amortise task start-up, small enough to balance. */
  static final long TARGET_BYTES = 64L << 20;

  private Bins() {}

  /**
   * At least {@code minBins} shares (when there are that many items), more when the bytes exceed
   * {@link #TARGET_BYTES} per share; each share in path order.
   */
  static <T> List<List<T>> pack(List<T> items, ToLongFunction<T> size, Function<T, String> path, int minBins) {
    if (items.isEmpty()) {
      return List.of();
    }
    long total = items.stream().mapToLong(size).sum();
    long wanted = Math.max(minBins, (total + TARGET_BYTES - 1) / TARGET_BYTES);
    int count = (int) Math.min(items.size(), Math.max(1, wanted));
    List<List<T>> bins = new ArrayList<>();
    long[] load = new long[count];
    PriorityQueue<Integer> lightest =
        new PriorityQueue<>(Comparator.<Integer>comparingLong(i -> load[i]).thenComparing(i -> i));
    for (int i = 0; i < count; i++) {
      bins.add(new ArrayList<>());
      lightest.add(i);
    }
    List<T> biggestFirst = new ArrayList<>(items);
    biggestFirst.sort(Comparator.comparingLong(size).reversed().thenComparing(path));
    for (T item : biggestFirst) {
      int bin = lightest.poll();
      bins.get(bin).add(item);
      load[bin] += Math.max(1, size.applyAsLong(item));
      lightest.add(bin);
    }
    bins.forEach(b -> b.sort(Comparator.comparing(path)));
    return bins;
  }
}
