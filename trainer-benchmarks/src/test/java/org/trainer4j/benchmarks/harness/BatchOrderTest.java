package org.trainer4j.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The hand-written and Python loops' batches: the Trainer's shuffle, epoch after epoch. */
class BatchOrderTest {
  private final Workload workload = Workload.tiny(10);

  @Test
  void eachEpochVisitsEveryExampleOnceThenTheNextEpochShufflesAgain() {
    BatchOrder order = new BatchOrder(workload.examples(), workload.collator(), 4);
    List<int[]> batches = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batches.add(order.next());
    }
    assertEquals(List.of(4, 4, 2, 4, 4, 2), batches.stream().map(b -> b.length).toList(),
        "10 examples in batches of 4: three batches an epoch, the last one short (no drop_last)");
    int[] first = IntStream.range(0, 3).flatMap(i -> Arrays.stream(batches.get(i))).sorted().toArray();
    int[] second = IntStream.range(3, 6).flatMap(i -> Arrays.stream(batches.get(i))).sorted().toArray();
    assertArrayEquals(IntStream.range(0, 10).toArray(), first);
    assertArrayEquals(IntStream.range(0, 10).toArray(), second);
    assertFalse(Arrays.equals(batches.get(0), batches.get(3)), "epoch 1 is shuffled anew");
  }

  @Test
  void twoOrdersOfTheSameDataAreTheSame() {
    BatchOrder a = new BatchOrder(workload.examples(), workload.collator(), 4);
    BatchOrder b = new BatchOrder(workload.examples(), workload.collator(), 4);
    for (int i = 0; i < 7; i++) {
      assertArrayEquals(a.next(), b.next());
    }
  }
}
