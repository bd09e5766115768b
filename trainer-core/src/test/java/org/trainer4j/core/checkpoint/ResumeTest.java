package org.trainer4j.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainer4j.core.checkpoint.CheckpointTest.copyTree;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.metrics.TrainOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.core.metrics.Metrics;

/** What a resume refuses, what it does not repeat, and what it cannot change. */
class ResumeTest {
  @TempDir Path dir;

  /** 22 examples in batches of 4: 6 steps per epoch. */
  private static TrainingArguments.Builder args(Path out) {
    return TrainingArguments.builder().outputDir(out.toString()).reportTo("none").learningRate(5e-3)
        .perDeviceTrainBatchSize(4).perDeviceEvalBatchSize(8).loggingSteps(1).saveSteps(1).seed(7).maxSteps(12);
  }

  private static Trainer.Builder trainer(Model model, TrainingArguments args) {
    return Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
        .trainDataset(Fixtures.dataset(Fixtures.blobs(22, 1)))
        .evalDataset(Fixtures.dataset(Fixtures.blobs(16, 2)))
        .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)));
  }

  /** A copy of one checkpoint in a folder of its own, as if the run had been killed right after it. */
  private Path onlyCheckpoint(Path from, int step, String name) throws IOException {
    Path out = dir.resolve(name);
    copyTree(from.resolve("checkpoint-" + step), out.resolve("checkpoint-" + step));
    return out;
  }

  /** The log history but its timings, as JSON text (numbers compare by value, not by Java type). */
  private static String history(TrainerState state) {
    return PyJson.dumps(ResumeChild.withoutTimings(state), true);
  }

  private static List<String> checkpoints(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).sorted().toList();
    }
  }

  /** Stops training at step 5, as early stopping would. */
  private static final class StopAtFive implements TrainerCallback {
    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
      if (state.globalStep() == 5) {
        control.setShouldTrainingStop(true);
      }
    }
  }

  @Test
  void aResumeOfAStoppedRunTrainsNothing() throws IOException {
    Path full = dir.resolve("full");
    String expected;
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, args(full).build()).callbacks(new StopAtFive()).build();
      assertEquals(5, t.train().globalStep());
      expected = history(t.state());
    }
    Path resumed = onlyCheckpoint(full, 5, "resumed");
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, args(resumed).build()).build();
      TrainOutput out = t.train(true);
      assertEquals(5, out.globalStep(), "no step trained after the stop");
      assertEquals(expected, history(t.state()), "the final state of the stopped run");
    }
    assertEquals(List.of("checkpoint-5"), checkpoints(resumed));
  }

  @Test
  void aResumeOfAFinishedRunReturnsItsEnd() throws IOException {
    Path full = dir.resolve("full");
    String expected;
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, args(full).build()).build();
      t.train();
      expected = history(t.state());
    }
    Path resumed = onlyCheckpoint(full, 12, "resumed");
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, args(resumed).build()).build();
      assertEquals(12, t.train(true).globalStep());
      assertEquals(expected, history(t.state()));
    }
  }

  @Test
  void aResumeAtAnEpochsLastStepDoesNotSaveThatStepAgain() throws IOException {
    // Step 6 ends epoch 1; its checkpoint is written before the epoch's end, which a resume replays.
    Path full = dir.resolve("full");
    TrainingArguments.Builder args = args(full).saveSteps(3).restoreCallbackStatesFromCheckpoint(true);
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, args.build()).build().train();
    }
    Path resumed = onlyCheckpoint(full, 6, "resumed");
    Path state = resumed.resolve("checkpoint-6/trainer_state.json");
    // As HF (and this project before) wrote it: should_save still on.
    Files.writeString(state, Files.readString(state).replace("\"should_save\": false", "\"should_save\": true"));
    Path marker = Files.writeString(resumed.resolve("checkpoint-6/untouched"), "the folder was not replaced");
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, args.outputDir(resumed.toString()).build()).build().train(true);
    }
    assertTrue(Files.exists(marker), "checkpoint-6 was not saved again");
    assertEquals(List.of("checkpoint-12", "checkpoint-6", "checkpoint-9"), checkpoints(resumed));
  }

  @Test
  void aCheckpointMissingAFileIsRefusedUnlessTheRunSavesModelOnly() throws IOException {
    Path full = dir.resolve("full");
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, args(full).maxSteps(3).build()).build().train();
    }
    Path resumed = onlyCheckpoint(full, 2, "resumed");
    Files.delete(resumed.resolve("checkpoint-2/loop_state.json"));
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, args(resumed).maxSteps(3).build()).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.train(true));
      assertTrue(e.getMessage().startsWith("checkpoint " + resumed.resolve("checkpoint-2")
          + " is incomplete: it has no loop_state.json"), e.getMessage());
    }
    try (Model model = Fixtures.mlp(4)) {
      assertEquals(3, trainer(model, args(resumed).maxSteps(3).saveOnlyModel(true).build()).build().train(true)
          .globalStep(), "a model-only run takes the model and state");
    }
  }

  @Test
  void aDamagedCheckpointFileNamesItself() throws IOException {
    Path full = dir.resolve("full");
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, args(full).maxSteps(2).build()).build().train();
    }
    for (String file : List.of(Checkpoints.SCHEDULER, Checkpoints.LOOP_STATE, Checkpoints.OPTIMIZER, Checkpoints.MODEL)) {
      Path resumed = onlyCheckpoint(full, 2, "damaged-" + file);
      Path damaged = resumed.resolve("checkpoint-2").resolve(file);
      Files.writeString(damaged, "{\"not\": valid json");
      try (Model model = Fixtures.mlp(4)) {
        Trainer t = trainer(model, args(resumed).maxSteps(3).build()).build();
        RuntimeException e = assertThrows(RuntimeException.class, () -> t.train(true));
        assertTrue(e.getMessage().contains(damaged.toString()), file + ": " + e.getMessage());
      }
    }
  }

  @Test
  void aMetricNoEvaluationProducedFailsAfterTheCheckpointIsSaved() throws IOException {
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, args(dir).maxSteps(4).saveSteps(2).evalStrategy("steps").evalSteps(1)
          .metricForBestModel("f1").build()).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::train);
      assertTrue(e.getMessage().startsWith("metric_for_best_model=f1 is not allowed: the evaluation produced no eval_f1;"
          + " it produced [eval_loss, eval_accuracy, eval_runtime"), e.getMessage());
      assertTrue(e.getMessage().endsWith("; the work so far is saved in " + dir.resolve("checkpoint-1")
          + ": fix the metric and resume from it"), e.getMessage());
    }
    assertEquals(List.of("checkpoint-1"), checkpoints(dir), "saved at step 1 although save_steps=2");
  }

  @Test
  void aNaNMetricIsNeverTheBest() {
    double[] scores = {Double.NaN, 0.3, 0.5, 0.4};
    int[] evaluation = {0};
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = trainer(model, args(dir).maxSteps(4).evalStrategy("steps").evalSteps(1).loadBestModelAtEnd(true)
          .metricForBestModel("score").greaterIsBetter(true).build())
          .computeMetrics(p -> Map.of("score", scores[evaluation[0]++])).build();
      t.train();
      assertEquals(3, t.state().bestGlobalStep().orElseThrow());
      assertEquals(0.5, t.state().bestMetric().orElseThrow());
    }
  }

  @Test
  void aCappedLogHistoryResumesExactly() throws IOException {
    Path uncapped = dir.resolve("uncapped");
    Path capped = dir.resolve("capped");
    List<Map<String, Object>> all;
    List<Map<String, Object>> cappedRows;
    Map<String, float[]> expectedWeights;
    TrainingArguments.Builder args = args(uncapped).evalStrategy("steps").evalSteps(2).loadBestModelAtEnd(true)
        .saveSteps(2);
    try (Model model = Fixtures.mlpWithDropout(8, 0.3f)) {
      Trainer t = trainer(model, args.build()).build();
      t.train();
      all = ResumeChild.withoutTimings(t.state());
    }
    try (Model model = Fixtures.mlpWithDropout(8, 0.3f)) {
      Trainer t = trainer(model, args.outputDir(capped.toString()).build()).logHistoryLimit(5).build();
      t.train();
      cappedRows = ResumeChild.withoutTimings(t.state());
      expectedWeights = Fixtures.parameters(model);
    }
    assertEquals(PyJson.dumps(all.subList(all.size() - 5, all.size()), true), PyJson.dumps(cappedRows, true),
        "the newest 5 rows");
    TrainerState saved = TrainerState.loadFromJson(capped.resolve("checkpoint-6/trainer_state.json"));
    assertEquals(5, saved.logHistory().size());
    assertEquals(6, ((Number) saved.logHistory().get(4).get("step")).intValue());

    Path resumed = onlyCheckpoint(capped, 6, "resumed");
    try (Model model = Fixtures.mlpWithDropout(8, 0.3f)) {
      Trainer t = trainer(model, args.outputDir(resumed.toString()).build()).logHistoryLimit(5).build();
      t.train(true);
      assertEquals(PyJson.dumps(cappedRows, true), history(t.state()));
      Map<String, float[]> actual = Fixtures.parameters(model);
      for (String name : expectedWeights.keySet()) {
        assertArrayEquals(expectedWeights.get(name), actual.get(name), name);
      }
    }
  }

  @Test
  void aResumeWithAnotherThreadCountSaysItMayDiffer() throws IOException {
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, args(dir).maxSteps(2).build()).build().train();
    }
    Path loopState = dir.resolve("checkpoint-2/loop_state.json");
    String text = Files.readString(loopState);
    assertTrue(text.matches("(?s).*\"intra_op_threads\": \\d+.*"), text);
    Files.writeString(loopState, text.replaceAll("\"intra_op_threads\": \\d+", "\"intra_op_threads\": 99"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, args(dir).maxSteps(3).build()).build().train(true);
    } finally {
      System.setErr(original);
    }
    String log = err.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("was written with 99 intra-op threads, this run has "), log);
    assertTrue(log.contains("-Dai.djl.pytorch.num_threads=99"), log);
    assertFalse(log.contains("Exception"), log);
  }

  @Test
  void notSavingTheResumedStepStillSavesLaterOnes() throws IOException {
    List<Integer> saves = new ArrayList<>();
    TrainerCallback journal = new TrainerCallback() {
      @Override
      public void onSave(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
        saves.add(state.globalStep());
      }
    };
    Path full = dir.resolve("full");
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, args(full).maxSteps(8).saveSteps(2).build()).build().train();
    }
    Path resumed = onlyCheckpoint(full, 4, "resumed");
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, args(resumed).maxSteps(8).saveSteps(2).build()).callbacks(journal).build().train(true);
    }
    assertEquals(List.of(6, 8), saves);
  }
}
