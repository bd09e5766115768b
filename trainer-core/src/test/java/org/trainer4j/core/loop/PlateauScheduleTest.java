package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/** reduce_lr_on_plateau reads metric_for_best_model after each evaluation of a real run. */
class PlateauScheduleTest {
  @TempDir Path dir;

  @Test
  void theRateHalvesWhenTheMetricStopsImproving() {
    try (Model model = Fixtures.mlp(4)) {
      // A metric that never changes: in HF's default mode (min) every evaluation after the first is "bad",
      // and with patience 0 each one halves the rate.
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.toString()).reportTo("none").saveStrategy("no")
              .maxSteps(4).loggingSteps(1).evalStrategy("steps").evalSteps(1).learningRate(0.01)
              .lrSchedulerType("reduce_lr_on_plateau").metricForBestModel("constant")
              .lrSchedulerKwargs(Map.of("patience", 0, "factor", 0.5)).build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(32, 1)))
          .evalDataset(Fixtures.dataset(Fixtures.blobs(8, 2)))
          .computeMetrics(p -> Map.of("constant", 1.0))
          .build();
      trainer.train();
      List<Object> rates = trainer.state().logHistory().stream().filter(r -> r.containsKey("learning_rate"))
          .map(r -> r.get("learning_rate")).toList();
      assertEquals(List.of(0.01, 0.01, 0.005, 0.0025), rates);
    }
  }
}
