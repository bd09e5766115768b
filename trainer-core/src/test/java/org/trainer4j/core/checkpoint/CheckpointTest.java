package org.trainer4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.metrics.TrainOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.metrics.Metrics;

class CheckpointTest {
  @TempDir Path dir;

  private static TrainingArguments.Builder baseArgs(Path out) {
    return TrainingArguments.builder().outputDir(out.toString()).reportTo("none").learningRate(5e-3)
        .perDeviceTrainBatchSize(4).perDeviceEvalBatchSize(8).loggingSteps(1).saveSteps(1).seed(7);
  }

  private static Trainer trainer(Model model, TrainingArguments args, TrainerCallback... callbacks) {
    return Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
        .trainDataset(Fixtures.dataset(Fixtures.blobs(22, 1)))
        .evalDataset(Fixtures.dataset(Fixtures.blobs(16, 2)))
        .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
        .callbacks(callbacks).build();
  }

  private static List<String> names(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).sorted().toList();
    }
  }

  @Test
  void savesEveryFileOfACheckpoint() throws IOException {
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, baseArgs(dir).maxSteps(4).saveSteps(2).build()).train();
    }
    assertEquals(List.of("checkpoint-2", "checkpoint-4"), names(dir));
    Path c = dir.resolve("checkpoint-2");
    for (String file : List.of("model.safetensors", "optimizer.safetensors", "scheduler.json", "loop_state.json",
        "trainer_state.json", "training_args.json")) {
      assertTrue(Files.isRegularFile(c.resolve(file)), file);
    }
    TrainerState state = TrainerState.loadFromJson(c.resolve("trainer_state.json"));
    assertEquals(2, state.globalStep());
    assertEquals(List.of(1, 2), state.logHistory().stream().map(r -> ((Number) r.get("step")).intValue()).toList());
    Map<?, ?> control = (Map<?, ?>) ((Map<?, ?>) state.statefulCallbacks().get("TrainerControl")).get("args");
    // HF writes true (it saves before on_save resets the flag); written as after the save, a resume does
    // not save the same step again.
    assertEquals(false, control.get("should_save"), "the control as it is after the save");
    assertEquals(TrainingArguments.fromJson(Files.readString(c.resolve("training_args.json"))),
        baseArgs(dir).maxSteps(4).saveSteps(2).build());
  }

  @Test
  void saveOnlyModelWritesTheModelAndState() throws IOException {
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, baseArgs(dir).maxSteps(2).saveSteps(2).saveOnlyModel(true).build()).train();
    }
    try (Stream<Path> files = Files.list(dir.resolve("checkpoint-2"))) {
      assertEquals(List.of("model.safetensors", "trainer_state.json", "training_args.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /** Uninterrupted 12-step run with dropout, shuffling and accumulation, saving every step. */
  private Map<String, float[]> fullRun(Path out, Consumer<TrainerState> finalState) {
    try (Model model = Fixtures.mlpWithDropout(8, 0.3f)) {
      Trainer t = trainer(model, baseArgs(out).maxSteps(12).gradientAccumulationSteps(2).build());
      t.train();
      finalState.accept(t.state());
      return Fixtures.parameters(model);
    }
  }

  @Test
  void aResumedRunEndsExactlyLikeAnUninterruptedOne() throws IOException {
    Path full = dir.resolve("full");
    TrainerState[] uninterrupted = new TrainerState[1];
    Map<String, float[]> expected = fullRun(full, s -> uninterrupted[0] = s);

    for (int k : new int[] {3, 6, 7}) { // mid-epoch, at an epoch end (6 steps per epoch of 12 batches / 2), after
      Path resumed = dir.resolve("resumed-" + k);
      copyTree(full.resolve("checkpoint-" + k), resumed.resolve("checkpoint-" + k));
      try (Model model = Fixtures.mlpWithDropout(8, 0.3f)) {
        Trainer t = trainer(model, baseArgs(resumed).maxSteps(12).gradientAccumulationSteps(2).build());
        TrainOutput out = t.train(true);
        assertEquals(12, out.globalStep());
        Map<String, float[]> actual = Fixtures.parameters(model);
        for (String name : expected.keySet()) {
          assertArrayEquals(expected.get(name), actual.get(name), "parameter " + name + " after resuming at " + k);
        }
        assertEquals(losses(uninterrupted[0]), losses(t.state()), "loss history after resuming at " + k);
      }
    }
  }

  private static List<Object> losses(TrainerState state) {
    return state.logHistory().stream().filter(r -> r.containsKey("loss"))
        .map(r -> Stream.of("step", "loss", "learning_rate", "epoch").map(k -> ((Number) r.get(k)).doubleValue()).toList())
        .map(Object.class::cast).toList();
  }

  @Test
  void resumeWithoutACheckpointSaysSo() {
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, baseArgs(dir).maxSteps(2).build());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.train(true));
      assertTrue(e.getMessage().startsWith("no valid checkpoint found in " + dir), e.getMessage());
    }
  }

  @Test
  void aNewRunRefusesToMixWithOldCheckpoints() {
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, baseArgs(dir).maxSteps(2).build()).train();
    }
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, baseArgs(dir).maxSteps(2).build());
      IllegalStateException e = assertThrows(IllegalStateException.class, t::train);
      assertTrue(e.getMessage().contains("overwrite_output_dir"), e.getMessage());
    }
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, baseArgs(dir).maxSteps(1).overwriteOutputDir(true).build()).train();
    }
    assertTrue(Files.isDirectory(dir.resolve("checkpoint-1")));
    assertFalse(Files.exists(dir.resolve("checkpoint-2")));
  }


  @Test
  void rotationKeepsTheNewestAndTheBest() throws IOException {
    for (int limit : new int[] {2}) {
      Path out = dir.resolve("limit-" + limit);
      try (Model model = Fixtures.mlp(4)) {
        // greater_is_better with a loss: the first evaluation (step 1) stays best as the loss falls.
        trainer(model, baseArgs(out).maxSteps(5).evalStrategy("steps").evalSteps(1).saveTotalLimit(limit)
            .metricForBestModel("loss").greaterIsBetter(true).build()).train();
      }
      List<String> expected = List.of("checkpoint-1", "checkpoint-5");
      assertEquals(expected, names(out), "save_total_limit=" + limit + " keeps best (1) and newest (5)");
      TrainerState state = TrainerState.loadFromJson(out.resolve("checkpoint-5/trainer_state.json"));
      assertEquals(out.resolve("checkpoint-1").toString(), state.bestModelCheckpoint().orElseThrow());
    }
    Path out = dir.resolve("limit-3");
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, baseArgs(out).maxSteps(5).evalStrategy("steps").evalSteps(1).saveTotalLimit(3)
          .metricForBestModel("loss").greaterIsBetter(true).build()).train();
    }
    assertEquals(List.of("checkpoint-1", "checkpoint-4", "checkpoint-5"), names(out));
  }

  @Test
  void saveTotalLimitOneKeepsTheBestAndTheNewestThenOnlyTheBest() throws IOException {
    // Scripted scores: the evaluation at step 4 is the best of the run.
    double[] scores = {0.1, 0.9, 0.5, 0.3};
    int[] evaluations = {0};
    List<List<String>> afterEachSave = new java.util.ArrayList<>();
    TrainerCallback lister = new TrainerCallback() {
      @Override
      public void onSave(TrainingArguments args, TrainerState state, org.trainer4j.core.state.TrainerControl control,
          org.trainer4j.core.callback.CallbackContext context) {
        try {
          afterEachSave.add(names(dir));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(baseArgs(dir).maxSteps(8).saveSteps(2).evalStrategy("steps").evalSteps(2).saveTotalLimit(1)
              .loadBestModelAtEnd(true).metricForBestModel("score").build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(22, 1))).evalDataset(Fixtures.dataset(Fixtures.blobs(16, 2)))
          .computeMetrics(p -> Map.of("score", scores[evaluations[0]++])).callbacks(lister).build();
      t.train();
      assertEquals(4, t.state().bestGlobalStep().orElseThrow());
    }
    assertEquals(List.of(List.of("checkpoint-2"), List.of("checkpoint-4"), List.of("checkpoint-4", "checkpoint-6"),
        List.of("checkpoint-4", "checkpoint-8")), afterEachSave, "during training: the best and the newest");
    assertEquals(List.of("checkpoint-4"), names(dir), "at the end (as HF): only the best");
  }

  @Test
  void theBestModelIsLoadedAtTheEnd() throws IOException {
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, baseArgs(dir).maxSteps(5).evalStrategy("steps").evalSteps(1)
          .loadBestModelAtEnd(true).metricForBestModel("loss").greaterIsBetter(true).build());
      t.train();
      assertEquals(1, t.state().bestGlobalStep().orElseThrow());
      try (Model best = Fixtures.mlp(4)) {
        trainer(best, baseArgs(dir.resolve("unused")).build()).evaluate(); // initializes the block
        ModelWeights.load(best.getBlock(), dir.resolve("checkpoint-1/model.safetensors"));
        Map<String, float[]> expected = Fixtures.parameters(best);
        Map<String, float[]> actual = Fixtures.parameters(model);
        for (String name : expected.keySet()) {
          assertArrayEquals(expected.get(name), actual.get(name), name);
        }
      }
    }
  }

  @Test
  void earlyStoppingStopsAfterPatienceEvaluationsWithoutImprovement() {
    try (Model model = Fixtures.mlp(4)) {
      // eval_accuracy is 1.0 from early on, so it never improves on its first value: with patience 2 the
      // run stops at the third evaluation after the best.
      Trainer t = trainer(model, baseArgs(dir).learningRate(5e-2).maxSteps(40).saveStrategy("no")
          .evalStrategy("steps").evalSteps(1).metricForBestModel("accuracy").build(),
          new EarlyStoppingCallback(2, 0.0));
      TrainOutput out = t.train();
      int best = t.state().bestGlobalStep().orElseThrow();
      assertEquals(best + 2, out.globalStep(), "stops two evaluations after the best one at step " + best);
      assertTrue(out.globalStep() < 40);
    }
  }

  @Test
  void earlyStoppingsCounterIsSavedAndRestoredOnResume() throws IOException {
    // accuracy reaches 1.0 and stays: no evaluation after that improves, so the counter climbs.
    TrainingArguments.Builder args = baseArgs(dir).learningRate(5e-2).maxSteps(12).saveSteps(1)
        .evalStrategy("steps").evalSteps(1).metricForBestModel("accuracy").restoreCallbackStatesFromCheckpoint(true);
    int counterAtStep;
    try (Model model = Fixtures.mlp(4)) {
      EarlyStoppingCallback stopper = new EarlyStoppingCallback(100, 0.0);
      trainer(model, args.build(), stopper).train();
      counterAtStep = stopper.patienceCounter();
    }
    assertTrue(counterAtStep > 0, "the metric stopped improving during the run");
    Path resumed = dir.resolve("resumed");
    copyTree(dir.resolve("checkpoint-8"), resumed.resolve("checkpoint-8"));
    TrainerState at8 = TrainerState.loadFromJson(resumed.resolve("checkpoint-8/trainer_state.json"));
    Map<?, ?> saved = (Map<?, ?>) ((Map<?, ?>) at8.statefulCallbacks().get("EarlyStoppingCallback")).get("attributes");
    int counterAt8 = ((Number) saved.get("early_stopping_patience_counter")).intValue();
    assertTrue(counterAt8 > 0, "the checkpoint holds a counter worth restoring");
    try (Model model = Fixtures.mlp(4)) {
      EarlyStoppingCallback fresh = new EarlyStoppingCallback(100, 0.0);
      Trainer t = trainer(model, args.outputDir(resumed.toString()).build(), fresh);
      t.train(true);
      assertEquals(counterAtStep, fresh.patienceCounter(),
          "restored at " + counterAt8 + " from checkpoint-8, then counted like the uninterrupted run");
    }
  }

  @Test
  void earlyStoppingWithoutAMetricFailsAtTrainBegin() {
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, baseArgs(dir).maxSteps(2).evalStrategy("steps").evalSteps(1).build(),
          new EarlyStoppingCallback());
      RuntimeException e = assertThrows(RuntimeException.class, t::train);
      assertTrue(e.getMessage().contains("metric_for_best_model"), e.getMessage());
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
