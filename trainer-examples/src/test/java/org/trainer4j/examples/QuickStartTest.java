package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.metrics.Metrics;

/** The README's quick start, as written there (only the data and the output folder filled in). */
class QuickStartTest {
  @TempDir Path dir;

  @Test
  void theQuickStartRuns() {
    Digits.Splits splits = Digits.split(Digits.load(), 0);
    List<Digits.Image> trainExamples = splits.train();
    List<Digits.Image> evalExamples = splits.eval();
    DataCollator<Digits.Image> collator = Digits.COLLATOR;
    Map<String, Object> metrics;
    // ---- README quick start ----
    try (Model model = Model.newInstance("mlp")) {
      model.setBlock(new SequentialBlock()
          .add(Linear.builder().setUnits(64).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(10).build()));
      TrainingArguments args = TrainingArguments.builder()
          .outputDir(dir.toString()).numTrainEpochs(10).learningRate(1e-3).loggingSteps(50)
          .evalStrategy("epoch").saveStrategy("epoch").saveTotalLimit(2)
          .loadBestModelAtEnd(true).metricForBestModel("accuracy")
          .reportTo("none").build();
      try (Trainer trainer = Trainer.builder()
          .model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
          .trainDataset(trainExamples, collator).evalDataset(evalExamples, collator)
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
          .callbacks(new EarlyStoppingCallback(3, 0.0))
          .build()) {
        trainer.train();
        metrics = trainer.evaluate();
      }
    }
    // ----
    assertTrue((Double) metrics.get("eval_accuracy") > 0.9, metrics.toString());
  }
}
