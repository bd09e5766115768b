package org.trainer4j.testkit;

import ai.djl.ndarray.NDManager;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.TrainerDataset;

/** A dataset of {@code size} examples that are never read: the synthetic engine needs only their indices. */
record SyntheticDataset(int size) implements TrainerDataset {
  @Override
  public Batch batch(NDManager manager, int[] indices) {
    throw new UnsupportedOperationException("the test kit's examples have no content; only the synthetic engine"
        + " runs over them");
  }
}
