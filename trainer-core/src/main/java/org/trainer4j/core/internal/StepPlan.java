package org.trainer4j.core.internal;

import org.trainer4j.core.args.TrainingArguments;

/**
 * The step arithmetic of a run, as HF's: updates per epoch, total optimizer steps and epochs, and the
 * logging/eval/save intervals with ratios below 1 resolved against the total ({@code ceil(max_steps *
 * x)}).
 *
 * <p>One difference from HF, on purpose: a gradient-accumulation window cut short by the end of an
 * epoch still steps (as HF ≥ 4.46 does), so an epoch has {@code ceil(batches / accumulation)} updates
 * and the step count matches what the loop really does.
 */
public record StepPlan(int batchesPerEpoch, int updatesPerEpoch, int maxSteps, int numTrainEpochs,
    int loggingSteps, int evalSteps, int saveSteps) {

  /**
   * The plan of a run whose training data yields {@code batchesPerEpoch} batches per epoch.
   *
   * @throws IllegalArgumentException when there is no batch
   */
  public static StepPlan of(TrainingArguments args, int batchesPerEpoch) {
    if (batchesPerEpoch <= 0) {
      throw new IllegalArgumentException("the training dataset yields no batch: it holds fewer examples than"
          + " per_device_train_batch_size=" + args.perDeviceTrainBatchSize()
          + (args.dataloaderDropLast() ? " and dataloader_drop_last=true" : ""));
    }
    int accumulation = args.gradientAccumulationSteps();
    int updatesPerEpoch = Math.max(1, (batchesPerEpoch + accumulation - 1) / accumulation);
    int maxSteps;
    int epochs;
    if (args.maxSteps() > 0) {
      maxSteps = args.maxSteps();
      epochs = (maxSteps + updatesPerEpoch - 1) / updatesPerEpoch;
    } else {
      maxSteps = (int) Math.ceil(args.numTrainEpochs() * updatesPerEpoch);
      epochs = (int) Math.ceil(args.numTrainEpochs());
    }
    return new StepPlan(batchesPerEpoch, updatesPerEpoch, maxSteps, epochs,
        interval(args.loggingSteps(), maxSteps),
        interval(args.evalSteps().orElse(args.loggingSteps()), maxSteps),
        interval(args.saveSteps(), maxSteps));
  }

  private static int interval(double value, int maxSteps) {
    return value < 1 ? (int) Math.ceil(maxSteps * value) : (int) value;
  }
}
