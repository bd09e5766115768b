package org.example.trainer4j.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.engine.MeanSquaredErrorLoss;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.Integrations;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.Metrics;

/** A real Trainer on PyTorch fits y = 2x + 1 with report_to=csv; the test reads metrics.csv as a user would. */
class CsvWithRealTrainerTest {
  @TempDir Path dir;

  private record Pair(float x, float y) {}

  private static TrainerDataset line(int n, long seed) {
    Random random = new Random(seed);
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float x = (float) random.nextGaussian();
      pairs.add(new Pair(x, 2 * x + 1 + 0.05f * (float) random.nextGaussian()));
    }
    DataCollator<Pair> collator = (batch, manager) -> {
      float[][] xs = new float[batch.size()][1];
      float[][] ys = new float[batch.size()][1];
      for (int i = 0; i < batch.size(); i++) {
        xs[i][0] = batch.get(i).x();
        ys[i][0] = batch.get(i).y();
      }
      return new Batch(new NDList(manager.create(xs)), new NDList(manager.create(ys)), batch.size());
    };
    return TrainerDataset.of(pairs, collator);
  }

  @Test
  void aRealRunLeavesEveryLogRowAndThePredictionInMetricsCsv() throws IOException {
    assertTrue(Integrations.available(getClass().getClassLoader()).containsKey("csv"));
    TrainingArguments args = TrainingArguments.builder().outputDir(dir).reportTo("csv").numTrainEpochs(3)
        .perDeviceTrainBatchSize(8).perDeviceEvalBatchSize(8).learningRate(0.1).loggingSteps(2)
        .evalStrategy("epoch").saveStrategy("no").disableTqdm(true).build();
    Trainer trainer;
    Map<String, Object> predicted;
    try (Model model = Model.newInstance("line")) {
      model.setBlock(Linear.builder().setUnits(1).build());
      trainer = Trainer.builder().model(model).loss(MeanSquaredErrorLoss.halved()).args(args)
          .trainDataset(line(40, 1)).evalDataset(line(16, 2))
          .computeMetrics(p -> Map.of("mse", Metrics.meanSquaredError(p)))
          .build();
      trainer.train();
      predicted = trainer.predict(line(16, 3)).metrics();
    }
    CsvLoggerCallback csv = trainer.callbackHandler().callbacks().stream()
        .filter(CsvLoggerCallback.class::isInstance).map(CsvLoggerCallback.class::cast).findFirst().orElseThrow();
    csv.flush(); // the prediction came after onTrainEnd's flush

    CsvTable table = CsvTable.read(dir.resolve("metrics.csv"));
    List<Map<String, Object>> history = trainer.state().logHistory();
    assertEquals(history.size() + 1, table.rows().size());
    for (int i = 0; i < history.size(); i++) {
      Map<String, Object> logged = history.get(i);
      assertEquals(String.valueOf(logged.get("step")), table.column("step").get(i));
      assertEquals((Double) logged.get("epoch"), Double.parseDouble(table.column("epoch").get(i)));
      for (String key : List.of("loss", "learning_rate", "eval_loss", "eval_mse", "train_loss")) {
        String cell = table.column(org.trainer4j.core.callback.LogKeys.rewrite(key)).get(i);
        if (logged.containsKey(key)) {
          assertEquals(((Number) logged.get(key)).doubleValue(), Double.parseDouble(cell), key + " at row " + i);
        } else {
          assertEquals("", cell, key + " at row " + i);
        }
      }
    }
    List<String> last = table.rows().get(table.rows().size() - 1);
    assertEquals(String.valueOf(trainer.state().globalStep()), last.get(0));
    for (String key : List.of("test_mse", "test_loss", "test_runtime")) {
      String cell = table.column(org.trainer4j.core.callback.LogKeys.rewrite(key)).get(table.rows().size() - 1);
      assertEquals(((Number) predicted.get(key)).doubleValue(), Double.parseDouble(cell), key);
    }
    assertTrue(table.header().containsAll(List.of("train/grad_norm", "eval/runtime", "train/train_runtime",
        "train/total_flos", "test/loss")), table.header().toString());
    csv.close();
  }
}
