package org.trainer4j.core.data;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/** Examples held in a list, batched by a collator: what {@link TrainerDataset#of(List, DataCollator)} makes. */
final class ExampleList<T> implements TrainerDataset {
  private final List<T> items;
  private final DataCollator<T> collator;
  private final ToIntFunction<? super T> length;
  /** Written so that the reads of the examples' classes below are not dropped by the JIT. */
  private int classHashes;

  ExampleList(List<T> items, DataCollator<T> collator, ToIntFunction<? super T> length) {
    this.items = items;
    this.collator = collator;
    this.length = length;
  }

  /** The length function's answer; without one, a map example's number under {@code lengthColumnName}. */
  @Override
  public int length(int index, String lengthColumnName) {
    T example = items.get(index);
    if (length != null) {
      return length.applyAsInt(example);
    }
    if (example instanceof Map<?, ?> map && map.get(lengthColumnName) instanceof Number n) {
      return n.intValue();
    }
    return TrainerDataset.super.length(index, lengthColumnName);
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public Batch batch(NDManager manager, int[] indices) {
    List<T> picked = new ArrayList<>(indices.length);
    int hashes = 0;
    for (int i : indices) {
      T example = items.get(i);
      // Reading each example's class here, in loads the CPU overlaps, brings the examples into the cache
      // before the collator visits them one after another. A hand-written loop gets the same from the
      // casts javac adds for its concrete types; without it a batch of 64 took 18 µs longer in the
      // benchmark (docs/BENCHMARKS.md).
      hashes += example.getClass().hashCode();
      picked.add(example);
    }
    classHashes = hashes;
    return collator.collate(picked, manager);
  }
}
