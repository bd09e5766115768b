package org.trainer4j.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.data.DataLoader;
import org.trainer4j.core.engine.BatchOutput;
import org.trainer4j.core.engine.EvalBatch;
import org.trainer4j.core.engine.TrainingEngine;
import org.trainer4j.core.metrics.BatchComputeMetrics;
import org.trainer4j.core.metrics.EvalPrediction;
import org.trainer4j.core.metrics.HostArray;

/**
 * Runs the engine over a dataset without gradients (HF's {@code evaluation_loop}): the mean loss, and the
 * predictions, labels and (on request) inputs and losses gathered on the heap in dataset order.
 */
final class PredictionLoop {
  private PredictionLoop() {}

  /**
   * What one pass produced. {@code meanLoss} is empty when the data has no labels; {@code batchMetrics}
   * holds what {@code batch_eval_metrics} computed (then predictions and labels were not kept).
   */
  record Result(HostArray predictions, Optional<HostArray> labels, Optional<HostArray> inputs,
      Optional<HostArray> losses, Optional<Double> meanLoss, int numSamples, int numBatches,
      Optional<Map<String, ?>> batchMetrics) {}

  /**
   * How predictions are gathered.
   *
   * @param keepInputs whether to return the inputs ({@code include_for_metrics} has {@code inputs})
   * @param keepLosses whether per-example losses go to the metrics ({@code include_for_metrics} has {@code loss})
   * @param accumulationSteps {@code eval_accumulation_steps}: join the gathered host arrays every N batches (0: at the end)
   * @param batchMetrics {@code batch_eval_metrics}'s function, or null to keep every prediction
   */
  record Gathering(boolean keepInputs, boolean keepLosses, int accumulationSteps, BatchComputeMetrics batchMetrics) {}

  static Result run(TrainingEngine engine, DataLoader loader, List<String> labelNames, Collection<String> ignoreKeys,
      Gathering gathering, Runnable afterBatch) {
    boolean keepInputs = gathering.keepInputs();
    if (loader.length() == 0 && loader.dataset().size() > 0) {
      throw new IllegalArgumentException("the dataset yields no batch to evaluate or predict: its "
          + loader.dataset().size() + " examples are fewer than per_device_eval_batch_size=" + loader.batchSize()
          + " and dataloader_drop_last=true drops the incomplete batch");
    }
    List<HostArray> predictions = new ArrayList<>();
    List<HostArray> labels = new ArrayList<>();
    List<HostArray> inputs = new ArrayList<>();
    List<HostArray> losses = new ArrayList<>();
    double lossSum = 0;
    int lossSamples = 0;
    int samples = 0;
    Map<String, ?> batchMetrics = null;
    int[] order = loader.order(0);
    for (int b = 0; b < loader.length(); b++) {
      EvalBatch request = new EvalBatch(loader.batchIndices(order, b), b, labelNames, ignoreKeys, keepInputs);
      BatchOutput out = engine.evaluate(loader.dataset(), request);
      HostArray batchLosses = null;
      if (out.labels().isPresent()) {
        double batchLoss = out.loss().orElseThrow();
        lossSum += batchLoss * out.size();
        lossSamples += out.size();
        float[] repeated = new float[out.size()];
        Arrays.fill(repeated, (float) batchLoss);
        batchLosses = new HostArray(repeated, new long[] {out.size()});
      }
      samples += out.size();
      if (gathering.batchMetrics() != null) {
        afterBatch.run(); // HF: on_prediction_step, then the batch's compute_metrics
        if (out.labels().isPresent()) {
          batchMetrics = gathering.batchMetrics().compute(new EvalPrediction(out.predictions(), out.labels().get(),
              out.inputs(), gathering.keepLosses() ? Optional.of(batchLosses) : Optional.empty()),
              b == loader.length() - 1);
        }
        continue;
      }
      predictions.add(out.predictions());
      out.labels().ifPresent(labels::add);
      if (batchLosses != null) {
        losses.add(batchLosses);
      }
      out.inputs().ifPresent(inputs::add);
      if (gathering.accumulationSteps() > 0 && (b + 1) % gathering.accumulationSteps() == 0) {
        for (List<HostArray> gathered : List.of(predictions, labels, inputs, losses)) {
          join(gathered);
        }
      }
      afterBatch.run();
    }
    Optional<HostArray> labelArray = labels.isEmpty() ? Optional.empty() : Optional.of(HostArray.concat(labels));
    return new Result(HostArray.concat(predictions), labelArray,
        keepInputs ? Optional.of(HostArray.concat(inputs)) : Optional.empty(),
        losses.isEmpty() ? Optional.empty() : Optional.of(HostArray.concat(losses)),
        lossSamples == 0 ? Optional.empty() : Optional.of(lossSum / lossSamples), samples, loader.length(),
        Optional.ofNullable(batchMetrics));
  }

  /** Replaces the arrays gathered so far by one ({@code eval_accumulation_steps}). */
  private static void join(List<HostArray> gathered) {
    if (gathered.size() > 1) {
      HostArray joined = HostArray.concat(gathered);
      gathered.clear();
      gathered.add(joined);
    }
  }
}
