package org.trainer4j.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * HF's length grouping. The expected orders were printed once by transformers 5's
 * {@code trainer_pt_utils.get_length_grouped_indices(lengths, batch_size)} with {@code torch.randperm}
 * replaced by the stored permutation (lengths {@code (i * 37) % 23 + 1}).
 */
class LengthGroupedOrderTest {
  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static int[] lengths(int n) {
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      lengths[i] = (i * 37) % 23 + 1;
    }
    return lengths;
  }

  @Test
  void groupsAsHfDoesWithMegabatchesOfTwelveBatches() {
    // n=100, batch size 2: min(100 // 8, 50) = 12 batches a megabatch.
    int[] permutation = ints("91,2,30,33,58,68,85,7,74,29,50,53,87,39,98,92,84,61,78,8,81,25,75,46,28,5,41,77,15,51,"
        + "42,22,36,38,37,63,96,21,4,65,80,57,26,72,76,19,24,54,44,11,95,40,43,34,12,70,18,90,55,10,62,71,99,64,0,66,"
        + "16,56,17,9,86,49,23,35,52,27,1,82,73,13,69,48,89,60,47,14,20,6,93,31,59,3,67,83,97,88,45,94,32,79");
    int[] python = ints("87,8,85,39,29,98,75,78,50,91,68,58,81,30,7,53,2,25,84,61,33,74,92,46,41,36,77,54,26,72,21,80,"
        + "57,24,42,65,19,37,96,4,22,63,76,15,38,28,5,51,18,64,95,49,44,90,62,16,11,34,70,55,9,40,17,86,12,99,71,43,66,"
        + "10,56,0,82,13,59,31,3,67,52,6,1,47,93,88,60,14,83,27,73,35,48,89,20,97,23,69,32,45,94,79");
    assertArrayEquals(python, LengthGroupedOrder.group(permutation, lengths(100), 2));
  }

  @Test
  void groupsAsHfDoesWhenTheLongestExampleIsNotInTheFirstMegabatch() {
    // n=37, batch size 4: min(37 // 16, 50) = 2 batches a megabatch; the longest (23) sits in a later one.
    int[] permutation = ints("35,25,28,33,7,22,32,20,1,14,30,12,26,29,9,19,3,17,13,6,27,8,34,10,11,23,24,15,18,21,4,0,"
        + "2,16,31,5,36");
    int[] python = ints("18,22,35,7,25,20,33,28,26,29,1,19,14,9,12,30,13,8,3,34,6,27,17,10,32,21,11,24,4,15,23,0,36,"
        + "31,16,2,5");
    assertArrayEquals(python, LengthGroupedOrder.group(permutation, lengths(37), 4));
  }

  @Test
  void aFailingLengthFunctionNamesTheExample() {
    Sampler sampler = Sampler.groupByLength(1, 2, i -> {
      if (i == 3) {
        throw new IllegalStateException("no tokens");
      }
      return i;
    });
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sampler.order(0, 5));
    assertEquals("group_by_length: the length function failed on training example 3:"
        + " java.lang.IllegalStateException: no tokens", e.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> Sampler.groupByLength(1, 2, i -> i - 2).order(0, 5));
    assertEquals("group_by_length: the length function gave -2 for training example 0; a length is 0 or more",
        negative.getMessage());
  }
}
