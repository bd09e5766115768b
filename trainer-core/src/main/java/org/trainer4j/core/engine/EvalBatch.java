package org.trainer4j.core.engine;

import java.util.Collection;
import java.util.List;

/**
 * One batch of an evaluation or prediction, as the loop hands it to {@link TrainingEngine#evaluate}.
 *
 * @param indices the examples, in dataset order
 * @param batch the batch's index, for messages
 * @param labelNames {@code label_names}: the labels the loss and metrics use (empty: all)
 * @param ignoreKeys names of outputs not to use as predictions
 * @param keepInputs whether to return the inputs ({@code include_for_metrics} has {@code inputs})
 */
public record EvalBatch(int[] indices, int batch, List<String> labelNames, Collection<String> ignoreKeys,
    boolean keepInputs) {}
