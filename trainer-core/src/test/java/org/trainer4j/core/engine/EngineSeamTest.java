package org.trainer4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.optim.Optimizer;

/**
 * The loop talks to the model only through {@link TrainingEngine}: a decorator around the DJL engine
 * (the shape of issue 18's data-parallel engine) sees every call in the documented order, changes no
 * number, and is the only thing that decides whether a checkpoint is written.
 */
class EngineSeamTest {
  @TempDir Path dir;

  /** Passes every call on and records the loop's calls of one step. */
  private static final class Recording implements TrainingEngine {
    private final TrainingEngine inner;
    private final boolean processZero;
    final List<String> calls = new ArrayList<>();

    Recording(TrainingEngine inner, boolean processZero) {
      this.inner = inner;
      this.processZero = processZero;
    }

    @Override public void prepare(TrainerDataset data, int[] firstBatch, int seed) { inner.prepare(data, firstBatch, seed); }
    @Override public void beginTraining(TrainingArguments args) { calls.add("begin"); inner.beginTraining(args); }
    @Override public void endTraining() { calls.add("end"); inner.endTraining(); }
    @Override public long parameterCount() { return inner.parameterCount(); }

    @Override
    public float forwardBackward(TrainerDataset data, MicroBatch batch) {
      calls.add("fb" + batch.microIndex() + (batch.lastOfWindow() ? "!" : ""));
      return inner.forwardBackward(data, batch);
    }

    @Override public void checkForward(TrainerDataset data, MicroBatch batch) { inner.checkForward(data, batch); }

    @Override
    public double clipGradients(double maxNorm) {
      calls.add("clip");
      return inner.clipGradients(maxNorm);
    }

    @Override
    public void optimizerStep(double learningRate) {
      calls.add("step");
      inner.optimizerStep(learningRate);
    }

    @Override
    public void zeroGradients() {
      calls.add("zero");
      inner.zeroGradients();
    }

    @Override public Optional<Optimizer> optimizer() { return inner.optimizer(); }
    @Override public void saveWeights(Path file) throws IOException { inner.saveWeights(file); }
    @Override public void loadWeights(Path file) throws IOException { inner.loadWeights(file); }
    @Override public void saveOptimizer(Path checkpoint) throws IOException { inner.saveOptimizer(checkpoint); }
    @Override public void loadOptimizer(Path checkpoint) { inner.loadOptimizer(checkpoint); }
    @Override public BatchOutput evaluate(TrainerDataset data, EvalBatch batch) { return inner.evaluate(data, batch); }
    @Override public boolean isWorldProcessZero() { return processZero; }
    @Override public void close() { inner.close(); }
  }

  private TrainingArguments args(String out) {
    return TrainingArguments.builder().outputDir(dir.resolve(out).toString()).reportTo("none").seed(5)
        .perDeviceTrainBatchSize(4).gradientAccumulationSteps(2).maxSteps(2).loggingSteps(1).saveStrategy("steps")
        .saveSteps(2).learningRate(0.05).disableTqdm(true).build();
  }

  private List<Map<String, Object>> losses(Trainer trainer) {
    trainer.train();
    return trainer.state().logHistory().stream().filter(r -> r.containsKey("loss"))
        .map(r -> Map.of("loss", r.get("loss"), "grad_norm", r.get("grad_norm"))).toList();
  }

  @Test
  void aDecoratedDjlEngineTrainsExactlyAsTheTrainersOwnAndSeesTheDocumentedCalls() {
    TrainingArguments direct = args("direct");
    TrainingArguments decorated = args("decorated");
    List<Map<String, Object>> expected;
    try (Model model = Fixtures.mlp(4)) {
      expected = losses(Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(direct)
          .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1))).build());
    }
    try (Model model = Fixtures.mlp(4)) {
      Recording engine = new Recording(new DjlEngine(model, Loss.softmaxCrossEntropyLoss(), List.of()), true);
      Trainer trainer = Trainer.builder().engine(engine).args(decorated)
          .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1))).build();
      assertEquals(expected, losses(trainer)); // the same numbers, bit for bit
      assertEquals(List.of("begin", "fb0", "fb1!", "clip", "step", "zero", "fb0", "fb1!", "clip", "step", "zero", "end"),
          engine.calls);
      assertTrue(Files.isRegularFile(dir.resolve("decorated/checkpoint-2").resolve(Checkpoints.MODEL)));
      assertThrows(IllegalStateException.class, trainer::model);
    }
  }

  @Test
  void onlyProcessZeroWritesCheckpoints() {
    try (Model model = Fixtures.mlp(4)) {
      Recording worker = new Recording(new DjlEngine(model, Loss.softmaxCrossEntropyLoss(), List.of()), false);
      Trainer trainer = Trainer.builder().engine(worker).args(args("worker"))
          .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1))).build();
      trainer.train();
      assertEquals(2, trainer.state().globalStep());
      assertTrue(Checkpoints.list(dir.resolve("worker")).isEmpty());
    }
  }
}
