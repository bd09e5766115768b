package org.trainer4j.benchmarks.harness;

import java.nio.file.Path;
import org.trainer4j.core.args.TrainingArguments;

/**
 * What both loops of the loop-overhead benchmark share: steps, batch size, how often a loss is
 * logged, the clipping threshold and the learning rate. Both build their optimizer and schedule from
 * {@link #arguments(Path)}, so the update math is the same code on both sides.
 *
 * @param maxGradNorm clipping threshold on both sides (HF's default, 1.0); 0 turns clipping off
 */
record LoopSettings(int steps, int batchSize, int loggingSteps, double maxGradNorm, double learningRate) {
  LoopSettings {
    if (steps <= 0 || batchSize <= 0 || loggingSteps <= 0) {
      throw new IllegalArgumentException("steps, batch size and logging steps must be positive, got " + steps
          + ", " + batchSize + ", " + loggingSteps);
    }
  }

  /** The issue's setting: 1,000 steps of batch 64, AdamW at 1e-3, clipped at 1.0, a log row every 50 steps. */
  static LoopSettings issue(int steps, int loggingSteps) {
    return new LoopSettings(steps, 64, loggingSteps, 1.0, 1e-3);
  }

  LoopSettings withSteps(int count) {
    return new LoopSettings(count, batchSize, loggingSteps, maxGradNorm, learningRate);
  }

  LoopSettings withLoggingSteps(int every) {
    return new LoopSettings(steps, batchSize, every, maxGradNorm, learningRate);
  }

  /**
   * The Trainer's arguments, whose optimizer ({@code adamw_torch}, linear decay) the hand-written loop
   * builds too: no evaluation, no saving, no integrations found by {@code report_to}, no progress bar.
   */
  TrainingArguments arguments(Path outputDir) {
    return TrainingArguments.builder()
        .outputDir(outputDir)
        .maxSteps(steps)
        .perDeviceTrainBatchSize(batchSize)
        .learningRate(learningRate)
        .maxGradNorm(maxGradNorm)
        .optim("adamw_torch")
        .lrSchedulerType("linear")
        .loggingSteps(loggingSteps)
        .evalStrategy("no")
        .saveStrategy("no")
        .reportTo("none")
        .disableTqdm(true)
        .seed(Workload.SEED)
        .build();
  }
}
