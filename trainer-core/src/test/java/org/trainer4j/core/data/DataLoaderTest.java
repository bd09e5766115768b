package org.trainer4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.Fixtures;

class DataLoaderTest {
  private static final TrainerDataset TEN = Fixtures.dataset(Fixtures.blobs(10, 1));

  @Test
  void anUnevenLastBatchIsKeptUnlessDropLast() {
    DataLoader keep = new DataLoader(TEN, 4, false, false, 1);
    assertEquals(3, keep.length());
    int[] order = keep.order(0);
    assertEquals(List.of(4, 4, 2), IntStream.range(0, 3).mapToObj(b -> keep.batchIndices(order, b).length).toList());
    assertEquals(2, new DataLoader(TEN, 4, false, true, 1).length());
  }

  @Test
  void shuffledOrderDependsOnlyOnSeedAndEpoch() {
    DataLoader a = new DataLoader(TEN, 4, true, false, 42);
    DataLoader b = new DataLoader(TEN, 4, true, false, 42);
    assertArrayEquals(a.order(3), b.order(3));
    assertFalse(Arrays.equals(a.order(0), a.order(1)), "each epoch has its own order");
    assertFalse(Arrays.equals(a.order(0), new DataLoader(TEN, 4, true, false, 43).order(0)));
    int[] sorted = a.order(2).clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, 10).toArray(), sorted, "a permutation of every example");
    assertArrayEquals(IntStream.range(0, 10).toArray(), new DataLoader(TEN, 4, false, false, 42).order(5));
  }

  @Test
  void aListDatasetHandsTheCollatorThePickedExamplesInOrder() {
    List<List<String>> seen = new java.util.ArrayList<>();
    TrainerDataset dataset = TrainerDataset.of(List.of("a", "b", "c", "d"), (picked, manager) -> {
      seen.add(List.copyOf(picked));
      return null;
    });
    dataset.batch(null, new int[] {2, 0, 3});
    assertEquals(List.of(List.of("c", "a", "d")), seen);
    assertEquals(4, dataset.size());
  }
}
