package org.trainer4j.core.data;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Turns a list of examples into a {@link Batch} of arrays created in {@code manager} (HF's {@code
 * data_collator}). Called on the training thread, once per batch.
 */
@FunctionalInterface
public interface DataCollator<T> {
  Batch collate(List<T> examples, NDManager manager);
}
