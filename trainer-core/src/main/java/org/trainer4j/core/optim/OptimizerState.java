package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * An optimizer's whole state for a checkpoint: named arrays (e.g. {@code 01Linear_weight.exp_avg}) and
 * JSON scalars (e.g. the step count). Arrays returned by {@link Optimizer#state()} belong to the
 * optimizer; arrays given to {@link Optimizer#loadState} are copied.
 */
public record OptimizerState(Map<String, NDArray> arrays, Map<String, Object> scalars) {}
