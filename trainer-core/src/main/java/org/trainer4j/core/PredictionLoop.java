package org.trainer4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataLoader;
import org.trainer4j.core.metrics.HostArray;

/**
 * Runs a model over a dataset without gradients (HF's {@code evaluation_loop}): the mean loss, and the
 * predictions, labels and (on request) inputs and losses gathered on the heap in dataset order.
 */
final class PredictionLoop {
  private PredictionLoop() {}

  /** What one pass produced. {@code meanLoss} is empty when the data has no labels. */
  record Result(HostArray predictions, Optional<HostArray> labels, Optional<HostArray> inputs,
      Optional<HostArray> losses, Optional<Double> meanLoss, int numSamples, int numBatches) {}

  static Result run(InferenceModel model, NDManager parent, Loss loss, DataLoader loader, List<String> labelNames,
      Collection<String> ignoreKeys, boolean keepInputs, Runnable afterBatch) {
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
      int[] indices = loader.batchIndices(order, b);
      BatchCheck.Place place = new BatchCheck.Place("evaluation", 0, b);
      try (NDScope scope = new NDScope();
          NDManager manager = parent.newSubManager();
          Batch batch = loader.dataset().batch(manager, indices)) {
        scope.suppressNotUsedWarning();
        BatchCheck.shapes(batch, indices, place);
        NDList outputs = model.forward(batch.inputs(), manager);
        predictions.add(toHost(firstOutput(outputs, ignoreKeys)));
        NDList batchLabels = selectLabels(batch.labels(), labelNames);
        if (!batchLabels.isEmpty()) {
          labels.add(toHost(batchLabels.get(0)));
          float batchLoss = lossOf(loss, batchLabels, outputs, indices, place);
          lossSum += (double) batchLoss * batch.size();
          lossSamples += batch.size();
          float[] repeated = new float[batch.size()];
          java.util.Arrays.fill(repeated, batchLoss);
          losses.add(new HostArray(repeated, new long[] {batch.size()}));
        }
        if (keepInputs) {
          inputs.add(toHost(batch.inputs().get(0)));
        }
        samples += batch.size();
      }
      afterBatch.run();
    }
    Optional<HostArray> labelArray = labels.isEmpty() ? Optional.empty() : Optional.of(HostArray.concat(labels));
    return new Result(HostArray.concat(predictions), labelArray,
        keepInputs ? Optional.of(HostArray.concat(inputs)) : Optional.empty(),
        losses.isEmpty() ? Optional.empty() : Optional.of(HostArray.concat(losses)),
        lossSamples == 0 ? Optional.empty() : Optional.of(lossSum / lossSamples), samples, loader.length());
  }

  private static float lossOf(Loss loss, NDList labels, NDList outputs, int[] indices, BatchCheck.Place place) {
    try {
      return loss.evaluate(labels, outputs).toType(DataType.FLOAT32, false).getFloat();
    } catch (RuntimeException e) {
      throw BatchCheck.explain(e, loss, labels, outputs, indices, place);
    }
  }

  /** The labels the loss and metrics use: those named in {@code label_names}, else all of them. */
  static NDList selectLabels(NDList labels, List<String> labelNames) {
    if (labelNames.isEmpty()) {
      return labels;
    }
    NDList picked = new NDList();
    for (String name : labelNames) {
      NDArray found = labels.get(name);
      if (found == null) {
        List<String> present = labels.stream().map(a -> String.valueOf(a.getName())).toList();
        throw new IllegalArgumentException("label_names names '" + name + "', but the batch's labels are named "
            + present + "; set label_names to those names or name the arrays in your collator");
      }
      picked.add(found);
    }
    return picked;
  }

  private static NDArray firstOutput(NDList outputs, Collection<String> ignoreKeys) {
    for (NDArray a : outputs) {
      if (a.getName() == null || !ignoreKeys.contains(a.getName())) {
        return a;
      }
    }
    throw new IllegalArgumentException("every output of the model is in ignore_keys " + ignoreKeys
        + "; nothing is left to use as predictions");
  }

  static HostArray toHost(NDArray array) {
    // toType without copy may return the array itself: the caller's scope frees it, not this method.
    NDArray floats = array.toType(DataType.FLOAT32, false);
    return new HostArray(floats.toFloatArray(), array.getShape().getShape());
  }
}
