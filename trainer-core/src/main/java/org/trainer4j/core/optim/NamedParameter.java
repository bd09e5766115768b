package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;

/**
 * A trainable parameter: its DJL name (e.g. {@code 01Linear_weight}), its array (updated in place),
 * and whether decoupled weight decay applies to it (not to biases and normalization weights, as HF's
 * {@code get_decay_parameter_names}).
 */
public record NamedParameter(String name, NDArray array, boolean decay) {}
