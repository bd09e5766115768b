package org.trainer4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.Fixtures;

class DataLoaderTest {
  private static final TrainerDataset TEN = Fixtures.dataset(Fixtures.blobs(10, 1));

  @Test
  void anUnevenLastBatchIsKeptUnlessDropLast() {
    DataLoader keep = new DataLoader(TEN, 4, Sampler.sequential(), false);
    assertEquals(3, keep.length());
    int[] order = keep.order(0);
    assertEquals(List.of(4, 4, 2), IntStream.range(0, 3).mapToObj(b -> keep.batchIndices(order, b).length).toList());
    assertEquals(2, new DataLoader(TEN, 4, Sampler.sequential(), true).length());
  }

  @Test
  void theRandomSamplerGivesTheSameOrderAsBeforeSamplersExisted() {
    // Recorded from the loader's built-in shuffle (seed 42, ten examples) before it became a Sampler:
    // runs keep their results.
    DataLoader loader = new DataLoader(TEN, 4, Sampler.random(42), false);
    assertArrayEquals(new int[] {6, 3, 8, 0, 2, 1, 9, 4, 5, 7}, loader.order(0));
    assertArrayEquals(new int[] {6, 5, 0, 4, 7, 3, 1, 9, 2, 8}, loader.order(1));
    assertArrayEquals(new int[] {3, 6, 4, 9, 8, 2, 7, 1, 5, 0}, loader.order(2));
  }

  @Test
  void shuffledOrderDependsOnlyOnSeedAndEpoch() {
    DataLoader a = new DataLoader(TEN, 4, Sampler.random(42), false);
    DataLoader b = new DataLoader(TEN, 4, Sampler.random(42), false);
    assertArrayEquals(a.order(3), b.order(3));
    assertFalse(Arrays.equals(a.order(0), a.order(1)), "each epoch has its own order");
    assertFalse(Arrays.equals(a.order(0), new DataLoader(TEN, 4, Sampler.random(43), false).order(0)));
    int[] sorted = a.order(2).clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, 10).toArray(), sorted, "a permutation of every example");
    assertArrayEquals(IntStream.range(0, 10).toArray(), new DataLoader(TEN, 4, Sampler.sequential(), false).order(5));
  }

  @Test
  void aSamplerMustGiveEveryIndexOnceAndTheErrorSaysWhatWasWrong() {
    assertMessage("the sampler returned index 10 at position 2 of epoch 1, but the dataset has 10 examples"
        + " (indices 0 to 9)", (epoch, size) -> new int[] {0, 1, 10, 3, 4, 5, 6, 7, 8, 9});
    assertMessage("the sampler returned index -1 at position 0 of epoch 1, but the dataset has 10 examples"
        + " (indices 0 to 9)", (epoch, size) -> new int[] {-1});
    assertMessage("the sampler returned index 3 twice in epoch 1 (at positions 3 and 5); an epoch's order must"
        + " hold every example index exactly once", (epoch, size) -> new int[] {0, 1, 2, 3, 4, 3, 6, 7, 8, 9});
    assertMessage("the sampler returned 8 indices for epoch 1, but the dataset has 10 examples; an epoch's order"
        + " must hold every example index from 0 to 9 exactly once", (epoch, size) -> new int[] {0, 1, 2, 3, 4, 5, 6, 7});
    assertMessage("the sampler returned no order for epoch 1; return every example index from 0 to 9 once",
        (epoch, size) -> null);
    int[] fine = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    assertArrayEquals(fine, new DataLoader(TEN, 4, (epoch, size) -> fine, false).order(1));
  }

  private static void assertMessage(String expected, Sampler sampler) {
    DataLoader loader = new DataLoader(TEN, 4, sampler, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader.order(1));
    assertEquals(expected, e.getMessage());
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
