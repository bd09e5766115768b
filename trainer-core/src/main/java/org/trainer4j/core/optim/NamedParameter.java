package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * A trainable parameter: its DJL name (e.g. {@code 01Linear_weight}), its array (updated in place),
 * and whether weight decay applies to it. {@link Optimizers#trainableParameters} builds them for a
 * block, with no decay for biases and normalization weights as HF's {@code get_decay_parameter_names}.
 */
public record NamedParameter(String name, NDArray array, boolean decay) {
  public NamedParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(array, "array");
  }
}
