package org.trainer4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.metrics.HostArray;
import org.trainer4j.core.metrics.PredictionOutput;

/**
 * {@code Trainer.builder().computeLoss(...)}, HF's {@code compute_loss} override: the function runs the model on
 * the batch's inputs, its loss trains the model and is the evaluation loss, its outputs are the predictions.
 */
class ComputeLossTest {
  @TempDir Path dir;

  private record Run(List<Object> losses, HostArray predictions, Object testLoss) {}

  /** Trains an MLP 4 steps (2 micro-batches each), then predicts 8 points. */
  private Run run(String out, UnaryOperator<Trainer.Builder> loss) {
    TrainingArguments args = TrainingArguments.builder().outputDir(dir.resolve(out).toString()).reportTo("none")
        .disableTqdm(true).seed(5).perDeviceTrainBatchSize(4).gradientAccumulationSteps(2).maxSteps(4)
        .loggingSteps(1).learningRate(0.05).saveStrategy("no").build();
    try (Model model = Fixtures.mlp(4);
        Trainer trainer = loss.apply(Trainer.builder().model(model).args(args)
            .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1)))).build()) {
      trainer.train();
      PredictionOutput prediction = trainer.predict(Fixtures.dataset(Fixtures.blobs(8, 2)));
      List<Object> losses = trainer.state().logHistory().stream().filter(r -> r.containsKey("loss"))
          .map(r -> r.get("loss")).toList();
      return new Run(losses, prediction.predictions(), prediction.metrics().get("test_loss"));
    }
  }

  @Test
  void aFunctionThatRunsTheModelAndTheLossTrainsAndEvaluatesExactlyAsTheLoss() {
    Loss crossEntropy = Loss.softmaxCrossEntropyLoss();
    Run plain = run("plain", b -> b.loss(crossEntropy));
    Run function = run("function", b -> b.computeLoss((model, inputs, labels) -> {
      NDList outputs = model.forward(inputs);
      return new ComputeLoss.Result(crossEntropy.evaluate(labels, outputs), outputs);
    }));
    Run ofLoss = run("of", b -> b.computeLoss(ComputeLoss.of(crossEntropy)));
    assertEquals(4, plain.losses().size());
    assertEquals(plain, function, "the same numbers, bit for bit");
    assertEquals(plain, ofLoss);
  }

  @Test
  void theFunctionSeesTheInputsAndTheModeAndItsOutputsAreThePredictions() {
    Loss crossEntropy = Loss.softmaxCrossEntropyLoss();
    List<String> calls = new ArrayList<>();
    Run plain = run("plain", b -> b.loss(crossEntropy));
    Run negated = run("negated", b -> b.computeLoss((model, inputs, labels) -> {
      calls.add((model.training() ? "train " : "eval ") + inputs.head().getShape());
      NDList outputs = model.forward(inputs);
      return new ComputeLoss.Result(crossEntropy.evaluate(labels, outputs), new NDList(outputs.head().neg()));
    }));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      expected.add("train " + new Shape(4, 2)); // 4 steps of 2 micro-batches of 4 points
    }
    expected.add("eval " + new Shape(8, 2)); // one prediction batch of 8 points
    assertEquals(expected, calls);
    assertEquals(plain.losses(), negated.losses(), "the loss of the same outputs trains the model alike");
    float[] want = plain.predictions().data().clone();
    for (int i = 0; i < want.length; i++) {
      want[i] = -want[i];
    }
    assertEquals(new HostArray(want, plain.predictions().shape()), negated.predictions());
  }

  @Test
  void aResultThatIsNotAScalarLossNamesTheBatch() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("bad",
        b -> b.computeLoss((model, inputs, labels) -> {
          NDList outputs = model.forward(inputs);
          return new ComputeLoss.Result(outputs.head(), outputs);
        })));
    assertEquals("compute_loss must return a scalar loss and the model's outputs, got a loss of shape (4, 2) for"
        + " training batch 0 of epoch 0", e.getMessage());
  }

  @Test
  void theTrainerTakesALossOrAFunctionNotBothAndNoLabelSmoothingOnAFunction() {
    ComputeLoss function = ComputeLoss.of(Loss.softmaxCrossEntropyLoss());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> run("both", b -> b.loss(Loss.softmaxCrossEntropyLoss()).computeLoss(function)));
    assertEquals("give the Trainer either loss(...) or computeLoss(...), not both: a compute_loss function computes"
        + " the loss itself", both.getMessage());
    IllegalArgumentException neither = assertThrows(IllegalArgumentException.class, () -> run("neither", b -> b));
    assertTrue(neither.getMessage().startsWith("a loss is required"), neither.getMessage());
    try (Model model = Fixtures.mlp(4)) {
      TrainingArguments smoothing = TrainingArguments.builder().outputDir(dir.toString()).reportTo("none")
          .labelSmoothingFactor(0.1).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Trainer.builder().model(model).computeLoss(function).args(smoothing).build());
      assertEquals("label_smoothing_factor=0.1 applies to the loss given to Trainer.builder().loss(...); a"
          + " computeLoss(...) function computes its loss itself: smooth the labels inside it (e.g. with"
          + " trainer-transformers' new CrossEntropyLoss(0.1)) and set label_smoothing_factor=0", e.getMessage());
    }
  }
}
