package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.metrics.Metrics;

/** A DJL RandomAccessDataset works as well as a list and a collator. */
class DjlDatasetTest {
  @TempDir Path dir;

  private static ArrayDataset arrays(NDManager manager, List<Fixtures.Example> examples) {
    float[][] x = new float[examples.size()][];
    float[] y = new float[examples.size()];
    for (int i = 0; i < examples.size(); i++) {
      x[i] = examples.get(i).features();
      y[i] = examples.get(i).label();
    }
    return new ArrayDataset.Builder().setData(manager.create(x)).optLabels(manager.create(y))
        .setSampling(1, false).build();
  }

  @Test
  void trainsAndEvaluatesOnAnArrayDataset() {
    try (Model model = Fixtures.mlp(8); NDManager manager = NDManager.newBaseManager()) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.toString()).reportTo("none").saveStrategy("no")
              .learningRate(1e-2).numTrainEpochs(3).perDeviceTrainBatchSize(16).build())
          .trainDataset(arrays(manager, Fixtures.blobs(200, 1)))
          .evalDataset(arrays(manager, Fixtures.blobs(50, 2)))
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
          .build();
      assertEquals(39, trainer.train().globalStep()); // ceil(200 / 16) = 13 steps per epoch
      Map<String, Object> metrics = trainer.evaluate();
      assertTrue((Double) metrics.get("eval_accuracy") > 0.95, metrics.toString());
    }
  }
}
