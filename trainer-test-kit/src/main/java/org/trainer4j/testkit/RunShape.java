package org.trainer4j.testkit;

import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;

/** The size of a simulated run and its synthetic values, fixed when the driver is built. */
final class RunShape {
  private final TrainingArguments args;
  private final int trainExamples;
  private final int evalExamples;
  private final int testExamples;
  private final Curve trainLoss;
  private final Curve gradNorm;
  private final Curve evalLoss;
  private final MetricsFunction evalMetrics;
  private final long parameterCount;
  private final double secondsPerStep;
  private final double secondsPerEvalBatch;
  private final boolean writeCheckpoints;
  private final boolean worldProcessZero;
  private final boolean localProcessZero;

  RunShape(CallbackDriver.Builder b) {
    this.args = b.args;
    this.trainExamples = b.trainExamples;
    this.evalExamples = b.evalExamples;
    this.testExamples = b.testExamples >= 0 ? b.testExamples : b.evalExamples;
    this.trainLoss = b.trainLoss;
    this.gradNorm = b.gradNorm;
    this.evalLoss = b.evalLoss;
    this.evalMetrics = b.evalMetrics;
    this.parameterCount = b.parameterCount;
    this.secondsPerStep = b.secondsPerStep;
    this.secondsPerEvalBatch = b.secondsPerEvalBatch;
    this.writeCheckpoints = b.writeCheckpoints;
    this.worldProcessZero = b.worldProcessZero;
    this.localProcessZero = b.localProcessZero;
  }

  /** A fresh state for this process, with its process flags. */
  TrainerState.Writer newState() {
    TrainerState.Writer state = TrainerState.Writer.create();
    state.setProcessZero(localProcessZero, worldProcessZero);
    return state;
  }

  /** Batches per training epoch, as the Trainer's data loader counts them. */
  int trainBatches() {
    if (trainExamples == 0) {
      throw new IllegalStateException("train() needs training examples: CallbackDriver.builder(args).trainExamples(n)");
    }
    int size = args.perDeviceTrainBatchSize();
    return args.dataloaderDropLast() ? trainExamples / size : ceilDiv(trainExamples, size);
  }

  /** Examples in training batch {@code index} of an epoch (the last one may be smaller). */
  int trainBatchSize(int index) {
    int size = args.perDeviceTrainBatchSize();
    return Math.min(size, trainExamples - index * size);
  }

  int trainExamples() { return trainExamples; }
  /** Examples an evaluation visits: all, or (with dataloader_drop_last, as HF) those of whole batches. */
  int evalExamples() { return visited(evalExamples); }
  int testExamples() { return visited(testExamples); }
  int evalBatches() { return batches(evalExamples); }
  int testBatches() { return batches(testExamples); }

  /** Evaluation batches, as the Trainer's data loader counts them (dataloader_drop_last applies, as HF). */
  private int batches(int examples) {
    int size = args.perDeviceEvalBatchSize();
    return args.dataloaderDropLast() ? examples / size : ceilDiv(examples, size);
  }

  private int visited(int examples) {
    return args.dataloaderDropLast() ? batches(examples) * args.perDeviceEvalBatchSize() : examples;
  }
  Curve trainLoss() { return trainLoss; }
  Curve gradNorm() { return gradNorm; }
  Curve evalLoss() { return evalLoss; }
  MetricsFunction evalMetrics() { return evalMetrics; }
  long parameterCount() { return parameterCount; }
  double secondsPerStep() { return secondsPerStep; }
  double secondsPerEvalBatch() { return secondsPerEvalBatch; }
  boolean writeCheckpoints() { return writeCheckpoints; }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
