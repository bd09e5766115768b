package org.trainer4j.core.metrics;

import java.util.Optional;

/**
 * What {@code computeMetrics} receives after an evaluation or prediction, as HF's {@code
 * EvalPrediction}: the model's outputs and the labels for every example, in dataset order; the inputs
 * and per-batch losses when {@code include_for_metrics} asks for them.
 */
public record EvalPrediction(HostArray predictions, HostArray labelIds, Optional<HostArray> inputs,
    Optional<HostArray> losses) {
  public EvalPrediction(HostArray predictions, HostArray labelIds) {
    this(predictions, labelIds, Optional.empty(), Optional.empty());
  }
}
