package org.trainer4j.core.metrics;

import java.util.Map;

/**
 * Turns predictions and labels into named metrics (HF's {@code compute_metrics}). Return plain names
 * such as {@code accuracy}: the Trainer adds {@code eval_} or {@code test_}.
 */
@FunctionalInterface
public interface ComputeMetrics {
  Map<String, ?> compute(EvalPrediction prediction);
}
