package org.trainer4j.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
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
    try (Model model = blobsModel()) {
      Trainer trainer = blobsTrainer(model, args);
      trainer.train();
      trainer.predict(blobs(32, 3));

      List<Path> runs = list(dir.resolve("runs"));
      assertEquals(1, runs.size(), "one run folder: " + runs);
      List<TbEvents.Event> events = TbEvents.readRun(runs.get(0));

      // Every logged train/eval number is in the file at its step, as a float32.
      assertShowsTheLogHistory(events, trainer.state().logHistory());
      assertEquals(List.of(5L, 10L, 15L, 20L), TbEvents.steps(TbEvents.scalars(events, "train/epoch")),
          "one epoch point per step, although train and eval rows both carry it");

      List<TbEvents.Point> testAccuracy = TbEvents.scalars(events, "test/accuracy");
      assertEquals(1, testAccuracy.size());
      assertTrue(testAccuracy.get(0).value() > 0.9f, "test accuracy " + testAccuracy);
      assertEquals(1, TbEvents.scalars(events, "test/loss").size());

      assertTrue(TbEvents.texts(events, "args/text_summary").get(0).contains("\"learning_rate\": 0.01"));
      assertTrue(TbEvents.texts(events, "model_config/text_summary").get(0).contains("| parameters | 42 |"));

      TbEvents.Hparams session = TbEvents.hparams(events);
      assertTrue(session.metricTags().containsAll(List.of("eval/loss", "eval/accuracy")), session.metricTags().toString());
      assertEquals(0.01, session.values().get("learning_rate"));
      assertEquals("steps", session.values().get("eval_strategy"));
      assertEquals(1, session.endStatus());
    }
  }

  /**
   * A run killed at step 14, after its checkpoint at step 8, then resumed into the same logging
   * folder: both runs' files hold steps 10-14, and TensorBoard shows each step once, with the values
   * of the resumed run, which are its log history.
   */
  @Test
  void aResumedRunHidesWhatTheKilledRunWroteAfterItsCheckpoint() {
    Path tb = dir.resolve("tb");
    TrainingArguments args = TrainingArguments.builder()
        .outputDir(dir.resolve("out"))
        .loggingDir(tb)
        .reportTo("none")
        .learningRate(1e-2)
        .numTrainEpochs(2)
        .perDeviceTrainBatchSize(16)
        .loggingSteps(2)
        .evalStrategy("steps")
        .evalSteps(4)
        .saveStrategy("steps")
        .saveSteps(8)
        .disableTqdm(true)
        .build();
    TensorBoardCallback killedRunWriter = new TensorBoardCallback();
    TrainerCallback killAtStep14 = new TrainerCallback() {
      @Override
      public void onLog(TrainingArguments a, TrainerState state, TrainerControl c, CallbackContext x) {
        if (state.globalStep() == 14) {
          throw new IllegalStateException("killed at step 14");
        }
      }
    };
    try (Model model = blobsModel()) {
      Trainer killed = blobsTrainer(model, args, killedRunWriter, killAtStep14);
      assertThrows(RuntimeException.class, killed::train);
    }
    killedRunWriter.writer().orElseThrow().close(); // as the shutdown hook of the ending process

    List<Map<String, Object>> resumedHistory;
    try (Model model = blobsModel()) {
      Trainer resumed = blobsTrainer(model, args, new TensorBoardCallback());
      resumed.train(true);
      resumedHistory = resumed.state().logHistory();
    }

    // Each train() marks its start after the step it starts from: 0 for the first, 8 for the resumed one.
    assertEquals(List.of(List.of(0L, 1L), List.of(1L, 9L)), TbEvents.sessionStarts(tb));
    List<TbEvents.Event> written = TbEvents.readRun(tb);
    assertEquals(List.of(2L, 4L, 6L, 8L, 10L, 12L, 14L, 10L, 12L, 14L, 16L, 18L, 20L),
        TbEvents.steps(TbEvents.scalars(written, "train/loss")), "both files hold steps 10-14");

    List<TbEvents.Event> shown = TbEvents.keptByPythonLoader(tb);
    assertShowsTheLogHistory(shown, resumedHistory);
    assertEquals(List.of(2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L, 20L),
        TbEvents.steps(TbEvents.scalars(shown, "train/epoch")));
    // As HF, each start writes the arguments at step 0, the resumed one too.
    assertEquals(List.of(0L, 0L), TbEvents.textSteps(shown, "args/text_summary"));
    assertEquals(1, TbEvents.hparams(shown).endStatus(), "the resumed run's HParams session");
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

  private static Model blobsModel() {
    Model model = Model.newInstance("blobs-mlp", "PyTorch");
    model.setBlock(new SequentialBlock()
        .add(Linear.builder().setUnits(8).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(2).build()));
    return model;
  }

  /** 160 training points (10 steps per epoch in batches of 16), 64 to evaluate on, accuracy. */
  private static Trainer blobsTrainer(Model model, TrainingArguments args, TrainerCallback... callbacks) {
    return Trainer.builder()
        .model(model)
        .loss(Loss.softmaxCrossEntropyLoss())
        .args(args)
        .trainDataset(blobs(160, 1))
        .evalDataset(blobs(64, 2))
        .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
        .callbacks(callbacks)
        .build();
  }

  /** The loss, learning rate, eval loss and accuracy of every row of the history, at its step, as float32. */
  private static void assertShowsTheLogHistory(List<TbEvents.Event> events, List<Map<String, Object>> history) {
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
  }

  private static List<Path> list(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.toList();
    }
  }
}
