package org.trainer4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.metrics.Metrics;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.metrics.TrainOutput;

class TrainerAccuracyTest {
  @TempDir Path dir;

  @Test
  void mlpLearnsSeparableBlobs() {
    try (Model model = Fixtures.mlp(16)) {
      TrainingArguments args = TrainingArguments.builder()
          .outputDir(dir.toString())
          .learningRate(1e-2)
          .numTrainEpochs(3)
          .perDeviceTrainBatchSize(16)
          .loggingSteps(10)
          .evalStrategy("epoch")
          .saveStrategy("no")
          .reportTo("none")
          .build();
      Trainer trainer = Trainer.builder()
          .model(model)
          .loss(Loss.softmaxCrossEntropyLoss())
          .args(args)
          .trainDataset(Fixtures.dataset(Fixtures.blobs(400, 1)))
          .evalDataset(Fixtures.dataset(Fixtures.blobs(200, 2)))
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
          .build();
      TrainOutput out = trainer.train();
      assertEquals(75, out.globalStep());
      Map<String, Object> metrics = trainer.evaluate();
      double accuracy = (Double) metrics.get("eval_accuracy");
      assertTrue(accuracy >= 0.97, "accuracy " + accuracy + " in " + metrics);
      assertTrue(out.trainingLoss() < 0.3, "train loss " + out.trainingLoss());
    }
  }
}
