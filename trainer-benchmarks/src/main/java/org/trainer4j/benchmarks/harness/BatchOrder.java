package org.trainer4j.benchmarks.harness;

import java.util.List;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.DataLoader;
import org.trainer4j.core.data.Sampler;
import org.trainer4j.core.data.TrainerDataset;

/**
 * The indices of the examples of each training step, in the Trainer's order: core's {@link DataLoader} with the
 * random sampler of seed {@link Workload#SEED} (the arguments' {@code seed}), epoch after epoch. Only the order is
 * taken from core, so the hand-written loop and the Python loops train on the Trainer's batches.
 */
final class BatchOrder {
  private final DataLoader loader;
  private int epoch = -1;
  private int batchInEpoch;
  private int[] epochOrder;

  <E> BatchOrder(List<E> examples, DataCollator<E> collator, int batchSize) {
    this.loader = new DataLoader(TrainerDataset.of(examples, collator), batchSize, Sampler.random(Workload.SEED), false);
  }

  /** The next step's example indices. */
  int[] next() {
    if (epochOrder == null || batchInEpoch == loader.length()) {
      epoch++;
      epochOrder = loader.order(epoch);
      batchInEpoch = 0;
    }
    return loader.batchIndices(epochOrder, batchInEpoch++);
  }
}
