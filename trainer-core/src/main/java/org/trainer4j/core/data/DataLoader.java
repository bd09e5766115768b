package org.trainer4j.core.data;

import java.util.Arrays;

/**
 * Splits a dataset into batches in the order a {@link Sampler} gives each epoch (shuffled by seed and
 * epoch for training by default, in order for evaluation), so a run and a resumed run see the same
 * batches. Every order is checked: a sampler that returns an index out of range, an index twice or
 * too few indices fails with a message that says which.
 */
public final class DataLoader {
  private final TrainerDataset dataset;
  private final int batchSize;
  private final Sampler sampler;
  private final boolean dropLast;

  /** @param dropLast leave out the last batch of an epoch when it is smaller ({@code dataloader_drop_last}) */
  public DataLoader(TrainerDataset dataset, int batchSize, Sampler sampler, boolean dropLast) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    if (sampler == null) {
      throw new IllegalArgumentException("sampler must not be null; use Sampler.sequential() for the dataset's order");
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.sampler = sampler;
    this.dropLast = dropLast;
  }

  public TrainerDataset dataset() { return dataset; }
  public int batchSize() { return batchSize; }
  public Sampler sampler() { return sampler; }
  public boolean dropLast() { return dropLast; }

  /** Number of batches per epoch (the last one smaller unless {@code dropLast}). */
  public int length() {
    int n = dataset.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /**
   * The order of the examples in an epoch, as the sampler gives it.
   *
   * @throws IllegalArgumentException when it is not every example index exactly once, saying which
   *     index is out of range or repeated, or how many are missing
   */
  public int[] order(int epoch) {
    int n = dataset.size();
    int[] order = sampler.order(epoch, n);
    if (order == null) {
      throw new IllegalArgumentException("the sampler returned no order for epoch " + epoch
          + "; return every example index from 0 to " + (n - 1) + " once");
    }
    int[] firstSeenAt = new int[n];
    Arrays.fill(firstSeenAt, -1);
    for (int position = 0; position < order.length; position++) {
      int index = order[position];
      if (index < 0 || index >= n) {
        throw new IllegalArgumentException("the sampler returned index " + index + " at position " + position
            + " of epoch " + epoch + ", but the dataset has " + n + " examples (indices 0 to " + (n - 1) + ")");
      }
      if (firstSeenAt[index] >= 0) {
        throw new IllegalArgumentException("the sampler returned index " + index + " twice in epoch " + epoch
            + " (at positions " + firstSeenAt[index] + " and " + position + "); an epoch's order must hold every"
            + " example index exactly once");
      }
      firstSeenAt[index] = position;
    }
    if (order.length != n) {
      throw new IllegalArgumentException("the sampler returned " + order.length + " indices for epoch " + epoch
          + ", but the dataset has " + n + " examples; an epoch's order must hold every example index from 0 to "
          + (n - 1) + " exactly once");
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
