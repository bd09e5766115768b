package org.trainer4j.core.data;

import java.util.SplittableRandom;

/**
 * The order in which an epoch visits the training examples: HF's sampler (what {@code
 * _get_train_sampler} returns). Give one to {@code Trainer.builder().trainSampler(...)}, or pick a
 * built-in one with {@code train_sampling_strategy}.
 *
 * <p>A resumed run asks the sampler again for the epoch it resumes in and skips the batches already
 * trained, so the order must be a function of the epoch and the dataset size only (seed any randomness
 * with the epoch; do not count calls): then a run stopped at any step and resumed sees exactly the
 * examples an uninterrupted run sees. A resume warns when the sampler's order for the checkpoint's
 * epoch differs from the one the checkpoint was trained with.
 */
@FunctionalInterface
public interface Sampler {
  /**
   * The example indices of epoch {@code epoch} (from 0) in the order training visits them: every index
   * from 0 to {@code datasetSize - 1} exactly once. Called once per epoch on the training thread (and
   * for epoch 0 once more to initialize the model from the first batch).
   */
  int[] order(int epoch, int datasetSize);

  /**
   * Shuffled anew each epoch from the seed and the epoch number: the Trainer's default, with {@code
   * data_seed} (else {@code seed}), HF's {@code train_sampling_strategy=random}.
   */
  static Sampler random(long seed) {
    return (epoch, size) -> {
      int[] order = sequentialOrder(size);
      SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch));
      for (int i = size - 1; i > 0; i--) { // Fisher-Yates
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      return order;
    };
  }

  /**
   * HF's {@code LengthGroupedSampler} ({@code train_sampling_strategy=group_by_length}): each epoch's
   * {@link #random} order regrouped so that batches hold examples of similar length (less padding),
   * with the longest example in the first batch.
   *
   * @param batchSize the examples of one optimizer step (HF: train batch size × gradient accumulation)
   * @param lengthOf the length of the example at an index, asked once per example; a failure or a
   *     negative length stops training with an error naming the example
   */
  static Sampler groupByLength(long seed, int batchSize, java.util.function.IntUnaryOperator lengthOf) {
    return new LengthGroupedOrder(random(seed), batchSize, lengthOf);
  }

  /** 0, 1, 2, ... in every epoch: HF's {@code train_sampling_strategy=sequential}, and evaluation's order. */
  static Sampler sequential() {
    return (epoch, size) -> sequentialOrder(size);
  }

  private static int[] sequentialOrder(int size) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    return order;
  }
}
