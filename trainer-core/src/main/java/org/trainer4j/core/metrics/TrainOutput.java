package org.trainer4j.core.metrics;

import java.util.Map;
import org.trainer4j.core.Trainer;

/** What {@link Trainer#train()} returns, as HF's {@code TrainOutput}. */
public record TrainOutput(int globalStep, double trainingLoss, Map<String, Object> metrics) {
  public TrainOutput {
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
  }
}
