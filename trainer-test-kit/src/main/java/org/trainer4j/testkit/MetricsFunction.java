package org.trainer4j.testkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.trainer4j.core.state.TrainerState;

/**
 * Stands in for {@code computeMetrics} in a run without a model: returns the metrics of one evaluation
 * or prediction, given the state at that moment. Keys without the prefix get it ({@code accuracy}
 * becomes {@code eval_accuracy} or {@code test_accuracy}), exactly as the Trainer does.
 */
@FunctionalInterface
public interface MetricsFunction {
  /** The metrics of the evaluation that runs now. */
  Map<String, ?> compute(TrainerState state);

  /** No metrics besides the loss (as a Trainer without {@code computeMetrics}). */
  static MetricsFunction none() {
    return state -> Map.of();
  }

  /** The same metrics at every evaluation, in this order. */
  static MetricsFunction fixed(Map<String, ?> metrics) {
    Map<String, Object> copy = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    return state -> copy;
  }
}
