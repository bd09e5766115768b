package org.trainer4j.core.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * HF's {@code get_length_grouped_indices}: a shuffled order cut into megabatches of {@code min(n / (4 ×
 * batch size), 50)} (at least 1) batches, each megabatch sorted by length, longest first (ties keep the
 * shuffled order), and the longest example of all swapped to the very front so that a too-large batch
 * fails at the first step rather than late in the epoch.
 */
final class LengthGroupedOrder implements Sampler {
  private final Sampler shuffle;
  private final int batchSize;
  private final IntUnaryOperator lengthOf;
  private int[] lengths;

  LengthGroupedOrder(Sampler shuffle, int batchSize, IntUnaryOperator lengthOf) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    this.shuffle = shuffle;
    this.batchSize = batchSize;
    this.lengthOf = lengthOf;
  }

  @Override
  public int[] order(int epoch, int datasetSize) {
    return group(shuffle.order(epoch, datasetSize), lengths(datasetSize), batchSize);
  }

  /** Every example's length, asked once (the order must not change between epochs' calls). */
  private synchronized int[] lengths(int size) {
    if (lengths == null || lengths.length != size) {
      int[] measured = new int[size];
      for (int i = 0; i < size; i++) {
        int length;
        try {
          length = lengthOf.applyAsInt(i);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("group_by_length: the length function failed on training example " + i
              + ": " + e, e);
        }
        if (length < 0) {
          throw new IllegalArgumentException("group_by_length: the length function gave " + length
              + " for training example " + i + "; a length is 0 or more");
        }
        measured[i] = length;
      }
      lengths = measured;
    }
    return lengths;
  }

  /** The grouping of {@code permutation} (HF's function after its {@code randperm}). */
  static int[] group(int[] permutation, int[] lengths, int batchSize) {
    int n = permutation.length;
    int megabatchSize = Math.max(1, Math.min(n / (batchSize * 4), 50)) * batchSize;
    List<List<Integer>> megabatches = new ArrayList<>();
    for (int from = 0; from < n; from += megabatchSize) {
      List<Integer> megabatch = new ArrayList<>(megabatchSize);
      for (int i = from; i < Math.min(n, from + megabatchSize); i++) {
        megabatch.add(permutation[i]);
      }
      // List.sort is stable, as Python's sorted(..., reverse=True) is.
      megabatch.sort(Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
      megabatches.add(megabatch);
    }
    int longest = 0; // the first megabatch with the greatest maximum, as torch.argmax picks it
    for (int m = 1; m < megabatches.size(); m++) {
      if (lengths[megabatches.get(m).get(0)] > lengths[megabatches.get(longest).get(0)]) {
        longest = m;
      }
    }
    if (n > 0) {
      Integer first = megabatches.get(0).get(0);
      megabatches.get(0).set(0, megabatches.get(longest).get(0));
      megabatches.get(longest).set(0, first);
    }
    int[] order = new int[n];
    int k = 0;
    for (List<Integer> megabatch : megabatches) {
      for (int i : megabatch) {
        order[k++] = i;
      }
    }
    return order;
  }
}
