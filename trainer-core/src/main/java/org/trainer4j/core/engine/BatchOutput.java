package org.trainer4j.core.engine;

import java.util.Optional;
import org.trainer4j.core.metrics.HostArray;

/**
 * What one evaluation batch produced, on the heap.
 *
 * @param predictions the first output not in {@code ignore_keys}
 * @param labels the first label, when the data has labels
 * @param loss the batch's mean loss, when the data has labels (a float loss widened exactly)
 * @param inputs the first input, when asked for
 * @param size examples in the batch
 */
public record BatchOutput(HostArray predictions, Optional<HostArray> labels, Optional<Double> loss,
    Optional<HostArray> inputs, int size) {}
