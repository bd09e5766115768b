package org.trainer4j.core.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an {@link Optimizer} needs to continue exactly where it stopped: its step count and its
 * per-parameter arrays, plus the settings it ran with (for a warning when they change on resume).
 *
 * <p>For a checkpoint, write {@link #tensors()} as named arrays (e.g. one safetensors file) and {@link
 * #scalars()} as JSON; read them back with {@link #fromScalars(Map, Map)} and hand the result to {@link
 * Optimizer#loadState(OptimizerState)}.
 *
 * @param optimizer the HF name of the optimizer that saved it, e.g. {@code adamw_torch}
 * @param step the number of optimizer steps taken
 * @param hyperparameters the settings, with PyTorch's names (e.g. {@code momentum}, {@code weight_decay})
 * @param tensors {@code state.<parameter name>.<PyTorch state name>}, e.g. {@code
 *     state.01Linear_weight.exp_avg}, in parameter order
 */
public record OptimizerState(
    String optimizer, long step, Map<String, Object> hyperparameters, Map<String, HostTensor> tensors) {
  public OptimizerState {
    Objects.requireNonNull(optimizer, "optimizer");
    if (step < 0) {
      throw new IllegalArgumentException("step=" + step + " is not allowed; use 0 or more");
    }
    hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  /** The non-array part as JSON-ready values: {@code optimizer}, {@code step}, {@code hyperparameters}. */
  public Map<String, Object> scalars() {
    Map<String, Object> scalars = new LinkedHashMap<>();
    scalars.put("optimizer", optimizer);
    scalars.put("step", step);
    scalars.put("hyperparameters", hyperparameters);
    return scalars;
  }

  /**
   * Rebuilds a state from what {@link #scalars()} and {@link #tensors()} gave, e.g. after a JSON and
   * safetensors round trip.
   *
   * @throws IllegalArgumentException when a scalar is missing or has the wrong type
   */
  public static OptimizerState fromScalars(Map<String, ?> scalars, Map<String, HostTensor> tensors) {
    Object optimizer = scalars.get("optimizer");
    Object step = scalars.get("step");
    Object hyperparameters = scalars.get("hyperparameters");
    if (!(optimizer instanceof String name)) {
      throw new IllegalArgumentException("optimizer state: 'optimizer' is " + optimizer + "; expected a name");
    }
    if (!(step instanceof Number n) || n.doubleValue() != n.longValue()) {
      throw new IllegalArgumentException("optimizer state: 'step' is " + step + "; expected a whole number");
    }
    if (!(hyperparameters instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "optimizer state: 'hyperparameters' is " + hyperparameters + "; expected an object");
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    map.forEach((k, v) -> settings.put(String.valueOf(k), v));
    return new OptimizerState(name, n.longValue(), settings, tensors);
  }
}
