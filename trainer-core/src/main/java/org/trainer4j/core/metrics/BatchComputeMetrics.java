package org.trainer4j.core.metrics;

import java.util.Map;

/**
 * HF's {@code compute_metrics} with {@code compute_result}, for {@code batch_eval_metrics=true}: called
 * after each evaluation batch with that batch's predictions and labels (nothing else is kept), {@code
 * computeResult} false, and after the last batch with {@code computeResult} true, when it returns the
 * metrics of the whole evaluation from what it has summed up. Keep the running sums in the object and
 * reset them on that last call.
 */
@FunctionalInterface
public interface BatchComputeMetrics extends ComputeMetrics {
  Map<String, ?> compute(EvalPrediction batch, boolean computeResult);

  /** Without {@code batch_eval_metrics}: the whole evaluation as one batch. */
  @Override
  default Map<String, ?> compute(EvalPrediction prediction) {
    return compute(prediction, true);
  }
}
