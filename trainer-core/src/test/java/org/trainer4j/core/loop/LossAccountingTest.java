package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/** Gradient accumulation equals the large batch; NaN/Inf losses are filtered and reported, as HF. */
class LossAccountingTest {
  @TempDir Path dir;

  /** Cross entropy whose value is NaN on the given calls (the gradient stays finite: NaN is a constant added). */
  private static final class NaNOnCalls extends Loss {
    private final Loss inner = Loss.softmaxCrossEntropyLoss();
    private final Set<Integer> nanCalls;
    private int calls;

    NaNOnCalls(Integer... nanCalls) {
      super("nan-on-calls");
      this.nanCalls = Set.of(nanCalls);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
      NDArray value = inner.evaluate(labels, predictions);
      return nanCalls.contains(++calls) ? value.add(value.getManager().create(Float.NaN)) : value;
    }
  }

  private Trainer trainer(Model model, Loss loss, Consumer<TrainingArguments.Builder> configure) {
    TrainingArguments.Builder args = TrainingArguments.builder().outputDir(dir.toString()).reportTo("none")
        .saveStrategy("no").learningRate(0.1).seed(3).perDeviceTrainBatchSize(4).maxSteps(4).loggingSteps(2);
    configure.accept(args);
    return Trainer.builder().model(model).loss(loss).args(args.build())
        .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1))).build();
  }

  private List<Map<String, Object>> rows(Loss loss, Consumer<TrainingArguments.Builder> configure) {
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, loss, configure);
      t.train();
      return t.state().logHistory().stream().filter(r -> r.containsKey("loss")).toList();
    }
  }

  @Test
  void accumulatedMicroBatchesGiveTheLargeBatchUpdate() {
    // 10 examples: GA 4 × batch 2 makes windows of 4 and 1 micro-batches, the same examples as batches
    // of 8 and 2 (data order does not depend on the batch size).
    Map<String, float[]> accumulated;
    Map<String, float[]> large;
    try (Model model = Fixtures.mlp(4)) {
      Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.resolve("a").toString()).reportTo("none").saveStrategy("no")
              .optim("sgd").learningRate(0.5).maxGradNorm(0).numTrainEpochs(2).perDeviceTrainBatchSize(2)
              .gradientAccumulationSteps(4).build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(10, 1))).build().train();
      accumulated = Fixtures.parameters(model);
    }
    try (Model model = Fixtures.mlp(4)) {
      Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.resolve("b").toString()).reportTo("none").saveStrategy("no")
              .optim("sgd").learningRate(0.5).maxGradNorm(0).numTrainEpochs(2).perDeviceTrainBatchSize(8).build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(10, 1))).build().train();
      large = Fixtures.parameters(model);
    }
    for (String name : large.keySet()) {
      float[] a = accumulated.get(name);
      float[] b = large.get(name);
      for (int i = 0; i < a.length; i++) {
        assertEquals(b[i], a[i], 1e-6, name + "[" + i + "]");
      }
    }
  }

  @Test
  void aNaNStepLossIsReplacedByTheRunningMeanAndCounted() {
    List<Map<String, Object>> clean = rows(Loss.softmaxCrossEntropyLoss(), a -> a.loggingSteps(1));
    List<Map<String, Object>> filtered = rows(new NaNOnCalls(2), a -> { });
    double step1 = (Double) clean.get(0).get("loss");
    assertEquals(step1, (Double) filtered.get(0).get("loss"), 1e-4, "step 2 counts as the mean so far (step 1)");
    assertEquals(1, ((Number) filtered.get(0).get("nonfinite_losses")).intValue());
    double mean34 = ((Double) clean.get(2).get("loss") + (Double) clean.get(3).get("loss")) / 2;
    assertEquals(mean34, (Double) filtered.get(1).get("loss"), 1e-4);
    assertFalse(filtered.get(1).containsKey("nonfinite_losses"));
  }

  @Test
  void aWindowWithNoFiniteLossSaysSoInsteadOfMakingANumberUp() {
    Map<String, Object> row = rows(new NaNOnCalls(1, 2), a -> { }).get(0);
    assertTrue(Double.isNaN((Double) row.get("loss")), row.toString());
    assertEquals(2, ((Number) row.get("nonfinite_losses")).intValue());
  }

  @Test
  void withoutTheFilterNaNIsLoggedAsIs() {
    Map<String, Object> row = rows(new NaNOnCalls(2), a -> a.loggingNanInfFilter(false)).get(0);
    assertTrue(Double.isNaN((Double) row.get("loss")), row.toString());
    assertFalse(row.containsKey("nonfinite_losses"));
  }
}
