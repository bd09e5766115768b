package org.trainer4j.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.checkpoint.Safetensors;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.engine.BatchOutput;
import org.trainer4j.core.engine.EvalBatch;
import org.trainer4j.core.engine.MicroBatch;
import org.trainer4j.core.engine.TrainingEngine;
import org.trainer4j.core.metrics.HostArray;
import org.trainer4j.core.optim.Optimizer;

/**
 * An engine without a model: the loss of each micro-batch and the gradient norm of each step follow
 * {@link Curve}s, an evaluation batch's loss follows the evaluation curve, and a step or an evaluation
 * batch moves the run's {@link SyntheticClock} by its simulated seconds. Everything else is the real
 * loop's. Weights and optimizer state are empty safetensors files marked as synthetic, so checkpoint
 * folders are complete and a resume reads them back.
 */
final class SyntheticEngine implements TrainingEngine {
  static final String MARK = "trainer4j-test-kit";

  private final RunShape shape;
  private final SyntheticClock clock;
  private final IntSupplier globalStep;
  private int stepOfWindow;

  SyntheticEngine(RunShape shape, SyntheticClock clock, IntSupplier globalStep) {
    this.shape = shape;
    this.clock = clock;
    this.globalStep = globalStep;
  }

  @Override
  public void prepare(TrainerDataset data, int[] firstBatch, int seed) {}

  @Override
  public void beginTraining(TrainingArguments args) {}

  @Override
  public void endTraining() {}

  @Override
  public long parameterCount() {
    return shape.parameterCount();
  }

  /** The training curve at the step this micro-batch belongs to, as a model's float loss. */
  @Override
  public float forwardBackward(TrainerDataset data, MicroBatch batch) {
    stepOfWindow = batch.globalStep() + 1;
    return (float) shape.trainLoss().at(stepOfWindow);
  }

  @Override
  public void checkForward(TrainerDataset data, MicroBatch batch) {}

  @Override
  public double clipGradients(double maxNorm) {
    return shape.gradNorm().at(stepOfWindow);
  }

  @Override
  public void optimizerStep(double learningRate) {
    clock.advance(shape.secondsPerStep());
  }

  @Override
  public void zeroGradients() {}

  @Override
  public Optional<Optimizer> optimizer() {
    return Optional.empty();
  }

  @Override
  public void saveWeights(Path file) throws IOException {
    writeMarker(file);
  }

  @Override
  public void loadWeights(Path file) throws IOException {
    readMarker(file);
  }

  @Override
  public void saveOptimizer(Path checkpoint) throws IOException {
    writeMarker(checkpoint.resolve(Checkpoints.OPTIMIZER));
  }

  @Override
  public void loadOptimizer(Path checkpoint) {
    try {
      readMarker(checkpoint.resolve(Checkpoints.OPTIMIZER));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + checkpoint.resolve(Checkpoints.OPTIMIZER) + ": " + e, e);
    }
  }

  private static void writeMarker(Path file) throws IOException {
    Safetensors.write(file, Map.of(), Map.of(MARK, "synthetic engine: no weights"));
  }

  private static void readMarker(Path file) throws IOException {
    if (!Safetensors.readMetadata(file).containsKey(MARK)) {
      throw new IllegalArgumentException(file + " was not written by the test kit's synthetic engine");
    }
  }

  /** Zeros as predictions and labels (one value per example), the evaluation curve as the loss. */
  @Override
  public BatchOutput evaluate(TrainerDataset data, EvalBatch batch) {
    clock.advance(shape.secondsPerEvalBatch());
    int n = batch.indices().length;
    HostArray zeros = new HostArray(new float[n], new long[] {n});
    return new BatchOutput(zeros, Optional.of(zeros), Optional.of(shape.evalLoss().at(globalStep.getAsInt())),
        batch.keepInputs() ? Optional.of(zeros) : Optional.empty(), n);
  }

  @Override
  public void close() {}
}
