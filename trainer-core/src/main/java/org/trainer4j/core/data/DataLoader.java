package org.trainer4j.core.data;

import java.util.SplittableRandom;

/**
 * Splits a dataset into batches, in an order that depends only on the seed and the epoch (so a run,
 * and a resumed run, see the same batches): shuffled for training, in order for evaluation.
 */
public final class DataLoader {
  private final TrainerDataset dataset;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean dropLast;
  private final long seed;

  public DataLoader(TrainerDataset dataset, int batchSize, boolean shuffle, boolean dropLast, long seed) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed;
  }

  public TrainerDataset dataset() { return dataset; }
  public int batchSize() { return batchSize; }
  public boolean shuffle() { return shuffle; }
  public boolean dropLast() { return dropLast; }

  /** Number of batches per epoch (the last one smaller unless {@code dropLast}). */
  public int length() {
    int n = dataset.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /** The order of the examples in an epoch. */
  public int[] order(int epoch) {
    int n = dataset.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch));
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** The example indices of batch {@code index} given an epoch's {@link #order(int)}. */
  public int[] batchIndices(int[] order, int index) {
    int from = index * batchSize;
    int to = Math.min(order.length, from + batchSize);
    int[] picked = new int[to - from];
    System.arraycopy(order, from, picked, 0, picked.length);
    return picked;
  }
}
