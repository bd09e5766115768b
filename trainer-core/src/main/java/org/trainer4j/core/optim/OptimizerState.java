package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's whole state for a checkpoint: named float32 arrays and JSON scalars.
 *
 * <p>Arrays are named {@code state.<parameter name>.<PyTorch state name>}, e.g. {@code
 * state.01Linear_weight.exp_avg}, in parameter order. Scalars are {@code optimizer} (the HF name, e.g.
 * {@code adamw_torch}), {@code step} (optimizer steps taken) and {@code hyperparameters} (the settings
 * with PyTorch's names, e.g. {@code momentum}; a resumed run warns when they changed).
 *
 * <p>Arrays returned by {@link Optimizer#state()} are the optimizer's own: read them (e.g. write them
 * to safetensors) before the next step and do not close them. Arrays given to {@link
 * Optimizer#loadState} are copied, so the caller may close them afterwards.
 */
public record OptimizerState(Map<String, NDArray> arrays, Map<String, Object> scalars) {
  public OptimizerState {
    arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    scalars = Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
  }
}
