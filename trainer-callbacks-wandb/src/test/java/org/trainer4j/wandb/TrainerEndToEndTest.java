package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.Metrics;
import org.trainer4j.testkit.WandbFileReader;
import org.trainer4j.testkit.WandbFileReader.Rec;

/** A real Trainer on the PyTorch engine reporting to an offline W&B run. */
class TrainerEndToEndTest {
  @TempDir Path dir;

  private record Point(float[] xy, int label) {}

  private static final DataCollator<Point> COLLATE = (points, manager) -> {
    float[][] x = new float[points.size()][];
    int[] y = new int[points.size()];
    for (int i = 0; i < points.size(); i++) {
      x[i] = points.get(i).xy();
      y[i] = points.get(i).label();
    }
    return new Batch(new NDList(manager.create(x)), new NDList(manager.create(y)), points.size());
  };

  /** Two separable blobs around (-2,-2) and (2,2). */
  private static TrainerDataset blobs(int n, long seed) {
    Random random = new Random(seed);
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = i % 2;
      float c = label == 0 ? -2f : 2f;
      points.add(new Point(new float[] {c + (float) random.nextGaussian(), c + (float) random.nextGaussian()}, label));
    }
    return TrainerDataset.of(points, COLLATE);
  }

  @Test
  void trainingEvaluationAndPredictionLandInOneOfflineRun() throws Exception {
    try (Model model = Model.newInstance("mlp")) {
      model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(2).build()));
      TrainingArguments args = TrainingArguments.builder().outputDir(dir.resolve("out").toString())
          .runName("e2e").learningRate(1e-2).numTrainEpochs(2).perDeviceTrainBatchSize(16).loggingSteps(5)
          .evalStrategy("epoch").saveStrategy("no").reportTo("none").disableTqdm(true).build();
      WandbCallback wandb = new WandbCallback(TestRuns.offline(dir).build());
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
          .trainDataset(blobs(160, 1)).evalDataset(blobs(64, 2))
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
          .callbacks(wandb).build();
      trainer.train();
      trainer.predict(blobs(32, 3));
      FinishReport report = wandb.finish(0).orElseThrow();

      List<Rec> records = WandbFileReader.read(report.directory().orElseThrow().resolve("run-off12345.wandb"));
      List<Map<String, String>> rows = WandbFileReader.historyRows(records);
      // 20 steps: 4 loss rows, 2 evaluations, the end-of-training row, the prediction.
      assertEquals(8, rows.size(), rows.toString());
      assertEquals(8, report.rowsLogged());
      List<String> steps = rows.stream().map(r -> r.get("train/global_step")).toList();
      assertEquals(List.of("5", "10", "10", "15", "20", "20", "20", "20"), steps);
      assertTrue(rows.get(0).containsKey("train/loss") && rows.get(0).containsKey("train/learning_rate"));
      assertTrue(rows.get(2).containsKey("eval/accuracy") && rows.get(2).containsKey("eval/loss"), rows.get(2).toString());
      assertTrue(rows.get(7).containsKey("test/accuracy") && rows.get(7).containsKey("test/loss"), rows.get(7).toString());
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(Integer.toString(i), rows.get(i).get("_step"));
      }
      Map<String, String> summary = WandbFileReader.summary(records);
      assertTrue(summary.containsKey("train_runtime") && summary.containsKey("train_loss"), summary.toString());
      assertTrue(Double.parseDouble(summary.get("eval/accuracy")) >= 0.9, summary.toString());
      Map<String, String> config = new java.util.HashMap<>();
      WandbFileReader.first(records, "config").messages(1).forEach(m -> config.put(m.string(1), m.string(16)));
      assertEquals("82", config.get("model/num_parameters"));
      assertEquals("\"e2e\"", config.get("run_name"));
      assertEquals("e2e", WandbFileReader.first(records, "run").string(8));
      assertEquals(0, records.stream().filter(r -> r.type().equals("exit")).findFirst().orElseThrow().body().varint(1));
    }
  }
}
