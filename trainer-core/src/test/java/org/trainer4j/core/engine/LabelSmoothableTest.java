package org.trainer4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/**
 * {@code label_smoothing_factor}: the Trainer trains and evaluates with the label-smoothed copy of its loss,
 * and refuses a factor it cannot apply. (The numbers of a real smoothed loss are checked in trainer-transformers,
 * whose CrossEntropyLoss implements {@link LabelSmoothable}.)
 */
class LabelSmoothableTest {
  @TempDir Path dir;

  /** Cross entropy that records, in a list shared by its copies, the smoothing factor of each call. */
  private static final class RecordingLoss extends Loss implements LabelSmoothable {
    private final Loss crossEntropy = Loss.softmaxCrossEntropyLoss();
    private final double factor;
    private final List<Double> calls;

    RecordingLoss(double factor, List<Double> calls) {
      super("recording");
      this.factor = factor;
      this.calls = calls;
    }

    @Override
    public Loss withLabelSmoothing(double labelSmoothingFactor) {
      return new RecordingLoss(labelSmoothingFactor, calls);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
      calls.add(factor);
      return crossEntropy.evaluate(labels, predictions);
    }
  }

  private TrainingArguments args(double factor) {
    return TrainingArguments.builder().outputDir(dir.toString()).reportTo("none").disableTqdm(true).seed(5)
        .perDeviceTrainBatchSize(4).maxSteps(2).saveStrategy("no").labelSmoothingFactor(factor).build();
  }

  @Test
  void trainingAndEvaluationUseTheSmoothedCopyOfTheLoss() {
    List<Double> calls = new ArrayList<>();
    try (Model model = Fixtures.mlp(4);
        Trainer trainer = Trainer.builder().model(model).loss(new RecordingLoss(0, calls)).args(args(0.1))
            .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1))).build()) {
      trainer.train();
      trainer.evaluate(Fixtures.dataset(Fixtures.blobs(8, 2)));
    }
    assertFalse(calls.isEmpty());
    assertEquals(Set.of(0.1), Set.copyOf(calls), "every call, training and evaluation, is the smoothed copy's");
  }

  @Test
  void aLossThatCannotSmoothIsRefusedNamingTheOptionTheLossAndWhatToUse() {
    try (Model model = Fixtures.mlp(4)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().model(model)
          .loss(Loss.softmaxCrossEntropyLoss()).args(args(0.1)).trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1)))
          .build());
      assertEquals("label_smoothing_factor=0.1 needs a loss that can smooth its labels (a"
          + " org.trainer4j.core.engine.LabelSmoothable), but the loss 'SoftmaxCrossEntropyLoss'"
          + " (ai.djl.training.loss.SoftmaxCrossEntropyLoss) cannot; use trainer-transformers' CrossEntropyLoss (cross"
          + " entropy with HF's LabelSmoother), or set label_smoothing_factor=0 and smooth the labels in your own loss",
          e.getMessage());
    }
  }

  @Test
  void anEngineBuiltFromTheArgumentsSmoothsAndIsAccepted() {
    List<Double> calls = new ArrayList<>();
    try (Model model = Fixtures.mlp(4)) {
      DjlEngine engine = DjlEngine.of(model, new RecordingLoss(0, calls), args(0.1));
      assertEquals(0.1, engine.labelSmoothingFactor());
      try (Trainer trainer = Trainer.builder().engine(engine).args(args(0.1))
          .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1))).build()) {
        trainer.train();
      }
    }
    assertFalse(calls.isEmpty());
    assertEquals(Set.of(0.1), Set.copyOf(calls));
  }

  @Test
  void anEngineOfOnesOwnCannotBeSmoothedByTheTrainer() {
    try (Model model = Fixtures.mlp(4)) {
      DjlEngine engine = new DjlEngine(model, Loss.softmaxCrossEntropyLoss(), List.of());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder()
          .engine(engine).args(args(0.1)).trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1))).build());
      assertEquals("label_smoothing_factor=0.1 applies to the loss given to Trainer.builder().loss(...); the engine"
          + " given to Trainer.builder().engine(...) computes its own loss, smoothed by 0.0: build the engine from"
          + " these arguments (DjlEngine.of(model, loss, args), or DataParallelEngine.of(model, loss, args, ...)) or"
          + " report the factor from its labelSmoothingFactor()", e.getMessage());
    }
  }
}
