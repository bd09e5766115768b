package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/** Temporary arrays of one update, closed together so that no native memory outlives the step. */
final class Scratch implements AutoCloseable {
  private final List<NDArray> arrays = new ArrayList<>();

  /** Registers a new temporary array and returns it. */
  NDArray keep(NDArray array) {
    arrays.add(array);
    return array;
  }

  @Override
  public void close() {
    for (int i = arrays.size() - 1; i >= 0; i--) {
      arrays.get(i).close();
    }
    arrays.clear();
  }
}
