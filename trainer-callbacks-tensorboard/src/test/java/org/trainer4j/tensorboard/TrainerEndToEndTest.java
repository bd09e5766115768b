package org.trainer4j.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.Metrics;

/** A real Trainer run (PyTorch engine) with this module on the class path and report_to left at "all". */
class TrainerEndToEndTest {
  @TempDir
  Path dir;

  record Point2(float x, float y, int label) {}

  private static final DataCollator<Point2> COLLATOR = (examples, manager) -> {
    float[][] x = new float[examples.size()][];
    int[] y = new int[examples.size()];
    for (int i = 0; i < examples.size(); i++) {
      x[i] = new float[] {examples.get(i).x(), examples.get(i).y()};
      y[i] = examples.get(i).label();
    }
    return new Batch(new NDList(manager.create(x)), new NDList(manager.create(y)), examples.size());
  };

  /** Two separable Gaussian blobs. */
  private static TrainerDataset blobs(int n, long seed) {
    Random random = new Random(seed);
    List<Point2> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = i % 2;
      float centre = label == 0 ? -2f : 2f;
      points.add(new Point2(centre + (float) random.nextGaussian(), centre + (float) random.nextGaussian(), label));
    }
    return TrainerDataset.of(points, COLLATOR);
  }

  @Test
  void aTrainerRunShowsUpInTensorBoard() throws Exception {
    TrainingArguments args = TrainingArguments.builder()
        .outputDir(dir)
        .learningRate(1e-2)
        .numTrainEpochs(2)
        .perDeviceTrainBatchSize(16)
        .loggingSteps(5)
        .evalStrategy("steps")
        .evalSteps(10)
        .saveStrategy("no")
        .disableTqdm(true)
        .build();
    assertEquals(List.of("all"), args.reportTo());
    try (Model model = Model.newInstance("blobs-mlp", "PyTorch")) {
      model.setBlock(new SequentialBlock()
          .add(Linear.builder().setUnits(8).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(2).build()));
      Trainer trainer = Trainer.builder()
          .model(model)
          .loss(Loss.softmaxCrossEntropyLoss())
          .args(args)
          .trainDataset(blobs(160, 1))
          .evalDataset(blobs(64, 2))
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
          .build();
      trainer.train();
      trainer.predict(blobs(32, 3));

      List<Path> runs = list(dir.resolve("runs"));
      assertEquals(1, runs.size(), "one run folder: " + runs);
      List<TbEvents.Event> events = TbEvents.readRun(runs.get(0));

      // Every logged train/eval number is in the file at its step, as a float32.
      List<Map<String, Object>> history = trainer.state().logHistory();
      for (String key : List.of("loss", "learning_rate", "eval_loss", "eval_accuracy")) {
        String tag = key.startsWith("eval_") ? "eval/" + key.substring(5) : "train/" + key;
        List<Long> steps = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        for (Map<String, Object> row : history) {
          if (row.get(key) instanceof Number n) {
            steps.add(((Number) row.get("step")).longValue());
            values.add(n.floatValue());
          }
        }
        assertFalse(steps.isEmpty(), key + " was never logged");
        TensorBoardCallbackTest.assertPoints(events, tag, steps, values);
      }
      assertEquals(List.of(5L, 10L, 15L, 20L), TbEvents.steps(TbEvents.scalars(events, "train/epoch")),
          "one epoch point per step, although train and eval rows both carry it");

      List<TbEvents.Point> testAccuracy = TbEvents.scalars(events, "test/accuracy");
      assertEquals(1, testAccuracy.size());
      assertTrue(testAccuracy.get(0).value() > 0.9f, "test accuracy " + testAccuracy);
      assertEquals(1, TbEvents.scalars(events, "test/loss").size());

      assertTrue(TbEvents.texts(events, "args").get(0).contains("\"learning_rate\": 0.01"));
      assertTrue(TbEvents.texts(events, "model").get(0).contains("| parameters | 42 |"));

      TbEvents.Hparams session = TbEvents.hparams(events);
      assertTrue(session.metricTags().containsAll(List.of("eval/loss", "eval/accuracy")), session.metricTags().toString());
      assertEquals(0.01, session.values().get("learning_rate"));
      assertEquals("steps", session.values().get("eval_strategy"));
      assertEquals(1, session.endStatus());
    }
  }

  @Test
  void reportToNoneWritesNothing() {
    TrainingArguments args = TrainingArguments.builder()
        .outputDir(dir).numTrainEpochs(1).loggingSteps(5).saveStrategy("no").reportTo("none").disableTqdm(true).build();
    try (Model model = Model.newInstance("linear", "PyTorch")) {
      model.setBlock(Linear.builder().setUnits(2).build());
      Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args).trainDataset(blobs(32, 1))
          .build().train();
    }
    assertFalse(Files.exists(dir.resolve("runs")));
  }

  private static List<Path> list(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.toList();
    }
  }
}
