package org.trainer4j.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.trainer4j.core.data.DataLoader;
import org.trainer4j.core.engine.BatchOutput;
import org.trainer4j.core.engine.EvalBatch;
import org.trainer4j.core.engine.TrainingEngine;
import org.trainer4j.core.metrics.HostArray;

/**
 * Runs the engine over a dataset without gradients (HF's {@code evaluation_loop}): the mean loss, and the
 * predictions, labels and (on request) inputs and losses gathered on the heap in dataset order.
 */
final class PredictionLoop {
  private PredictionLoop() {}

  /** What one pass produced. {@code meanLoss} is empty when the data has no labels. */
  record Result(HostArray predictions, Optional<HostArray> labels, Optional<HostArray> inputs,
      Optional<HostArray> losses, Optional<Double> meanLoss, int numSamples, int numBatches) {}

  static Result run(TrainingEngine engine, DataLoader loader, List<String> labelNames, Collection<String> ignoreKeys,
      boolean keepInputs, Runnable afterBatch) {
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
    int[] order = loader.order(0);
    for (int b = 0; b < loader.length(); b++) {
      EvalBatch request = new EvalBatch(loader.batchIndices(order, b), b, labelNames, ignoreKeys, keepInputs);
      BatchOutput out = engine.evaluate(loader.dataset(), request);
      predictions.add(out.predictions());
      if (out.labels().isPresent()) {
        labels.add(out.labels().get());
        double batchLoss = out.loss().orElseThrow();
        lossSum += batchLoss * out.size();
        lossSamples += out.size();
        float[] repeated = new float[out.size()];
        Arrays.fill(repeated, (float) batchLoss);
        losses.add(new HostArray(repeated, new long[] {out.size()}));
      }
      out.inputs().ifPresent(inputs::add);
      samples += out.size();
      afterBatch.run();
    }
    Optional<HostArray> labelArray = labels.isEmpty() ? Optional.empty() : Optional.of(HostArray.concat(labels));
    return new Result(HostArray.concat(predictions), labelArray,
        keepInputs ? Optional.of(HostArray.concat(inputs)) : Optional.empty(),
        losses.isEmpty() ? Optional.empty() : Optional.of(HostArray.concat(losses)),
        lossSamples == 0 ? Optional.empty() : Optional.of(lossSum / lossSamples), samples, loader.length());
  }
}
