package org.trainer4j.core.data;

import ai.djl.ndarray.NDList;

/**
 * One batch: the model's inputs, the labels the loss compares against, and how many examples it holds.
 */
public record Batch(NDList inputs, NDList labels, int size) implements AutoCloseable {
  public Batch {
    if (inputs == null || labels == null) {
      throw new IllegalArgumentException("a batch needs inputs and labels (labels may be an empty NDList)");
    }
    if (size <= 0) {
      throw new IllegalArgumentException("a batch needs at least one example, got size=" + size);
    }
  }

  @Override
  public void close() {
    inputs.close();
    labels.close();
  }
}
