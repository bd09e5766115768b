package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.metrics.BatchComputeMetrics;
import org.trainer4j.core.metrics.ComputeMetrics;
import org.trainer4j.core.metrics.Metrics;
import org.trainer4j.core.metrics.PredictionOutput;

/** eval_accumulation_steps and batch_eval_metrics. */
class EvalGatheringTest {
  private static final List<Fixtures.Example> EXAMPLES = Fixtures.blobs(43, 9);

  @TempDir Path dir;

  private TrainingArguments.Builder args() {
    return TrainingArguments.builder().outputDir(dir.toString()).perDeviceEvalBatchSize(5).reportTo("none");
  }

  private Trainer trainer(Model model, TrainingArguments args, ComputeMetrics metrics) {
    return Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
        .evalDataset(Fixtures.dataset(EXAMPLES)).computeMetrics(metrics).build();
  }

  @Test
  void accumulatingEveryFewStepsGivesTheSamePredictionsAndMetrics() {
    ComputeMetrics accuracy = p -> Map.of("accuracy", Metrics.accuracy(p));
    try (Model model = Fixtures.mlp(4)) {
      PredictionOutput atTheEnd = trainer(model, args().build(), accuracy).predict(Fixtures.dataset(EXAMPLES));
      PredictionOutput everyTwo = trainer(model, args().evalAccumulationSteps(2).build(), accuracy)
          .predict(Fixtures.dataset(EXAMPLES));
      assertArrayEquals(atTheEnd.predictions().shape(), everyTwo.predictions().shape());
      assertArrayEquals(atTheEnd.predictions().data(), everyTwo.predictions().data());
      assertEquals(atTheEnd.metrics().get("test_accuracy"), everyTwo.metrics().get("test_accuracy"));
    }
    assertThrows(IllegalArgumentException.class, () -> args().evalAccumulationSteps(0).build());
  }

  @Test
  void batchEvalMetricsCallsTheFunctionPerBatchAndReportsTheLastResult() {
    List<Boolean> calls = new ArrayList<>();
    BatchComputeMetrics runningAccuracy = new BatchComputeMetrics() {
      private double correct;
      private int seen;

      @Override
      public Map<String, ?> compute(org.trainer4j.core.metrics.EvalPrediction batch, boolean computeResult) {
        calls.add(computeResult);
        int n = batch.labelIds().asInts().length;
        correct += Metrics.accuracy(batch) * n;
        seen += n;
        if (!computeResult) {
          return Map.of();
        }
        Map<String, ?> result = Map.of("accuracy", correct / seen);
        correct = 0;
        seen = 0;
        return result;
      }
    };
    try (Model model = Fixtures.mlp(4)) {
      Map<String, Object> whole = trainer(model, args().build(), p -> Map.of("accuracy", Metrics.accuracy(p)))
          .evaluate();
      Map<String, Object> batched = trainer(model, args().batchEvalMetrics(true).build(), runningAccuracy).evaluate();
      assertEquals((double) whole.get("eval_accuracy"), (double) batched.get("eval_accuracy"), 1e-12);
      assertEquals(whole.get("eval_loss"), batched.get("eval_loss"));
    }
    // 43 examples in batches of 5: 9 batches, compute_result only on the last.
    assertEquals(9, calls.size());
    assertEquals(List.of(true), calls.subList(8, 9));
    assertTrue(calls.subList(0, 8).stream().noneMatch(b -> b));
  }

  @Test
  void batchEvalMetricsWithAFunctionWithoutComputeResultIsHfsError() {
    try (Model model = Fixtures.mlp(4)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> trainer(model, args().batchEvalMetrics(true).build(), p -> Map.of()));
      assertTrue(e.getMessage().startsWith("When using `batch_eval_metrics`, your `compute_metrics` function must take"
          + " a `compute_result` boolean argument"), e.getMessage());
    }
  }
}
