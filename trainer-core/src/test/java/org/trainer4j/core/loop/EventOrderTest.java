package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.EventRecorder;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;

/** The order of events and the flags DefaultFlowCallback sets, with the real PyTorch engine. */
class EventOrderTest {
  @TempDir Path dir;

  /** 10 training examples in batches of 4: three batches per epoch, the last one of 2 (uneven). */
  private EventRecorder run(Consumer<TrainingArguments.Builder> configure, TrainerCallback... extra) {
    TrainingArguments.Builder args = TrainingArguments.builder()
        .outputDir(dir.toString()).perDeviceTrainBatchSize(4).perDeviceEvalBatchSize(4)
        .numTrainEpochs(2).saveStrategy("no").reportTo("none").learningRate(1e-2);
    configure.accept(args);
    EventRecorder recorder = new EventRecorder();
    try (Model model = Fixtures.mlp(4)) {
      List<TrainerCallback> callbacks = new ArrayList<>(List.of(extra));
      callbacks.add(recorder);
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args.build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(10, 1)))
          .evalDataset(Fixtures.dataset(Fixtures.blobs(5, 2)))
          .callbacks(callbacks).build();
      trainer.train();
    }
    return recorder;
  }

  private static List<String> step(int before) {
    return List.of("onStepBegin@" + before, "onPreOptimizerStep@" + before, "onOptimizerStep@" + before,
        "onStepEnd@" + (before + 1));
  }

  private static List<String> evaluation(int at) {
    return List.of("onPredictionStep@" + at, "onPredictionStep@" + at, "onLog[eval_loss]@" + at, "onEvaluate@" + at);
  }

  @Test
  void stepsStrategiesFollowHfOrder() {
    EventRecorder r = run(a -> a.loggingSteps(2).evalStrategy("steps").evalSteps(3));
    List<String> expected = new ArrayList<>(List.of("onInitEnd@0", "onTrainBegin@0", "onEpochBegin@0"));
    expected.addAll(step(0));
    expected.addAll(step(1));
    expected.add("onLog[loss]@2");
    expected.addAll(step(2));
    expected.addAll(evaluation(3));
    expected.addAll(List.of("onEpochEnd@3", "onEpochBegin@3"));
    expected.addAll(step(3));
    expected.add("onLog[loss]@4");
    expected.addAll(step(4));
    expected.addAll(step(5));
    expected.add("onLog[loss]@6");
    expected.addAll(evaluation(6));
    expected.addAll(List.of("onEpochEnd@6", "onLog[train_runtime]@6", "onTrainEnd@6"));
    assertEquals(expected, r.events);
  }

  @Test
  void epochStrategiesFireAtEpochEnd() {
    EventRecorder r = run(a -> a.loggingStrategy("epoch").evalStrategy("epoch"));
    assertEquals(List.of("onEpochEnd@3", "onLog[loss]@3", "onLog[eval_loss]@3", "onEvaluate@3", "onEpochEnd@6",
            "onLog[loss]@6", "onLog[eval_loss]@6", "onEvaluate@6", "onLog[train_runtime]@6", "onTrainEnd@6"),
        r.only("onEpochEnd", "onLog", "onEvaluate", "onTrainEnd"));
    assertEquals(1.0, r.logs.get(0).get("epoch"));
  }

  @Test
  void gradientAccumulationStepsAShortWindowAtEpochEnd() {
    EventRecorder r = run(a -> a.gradientAccumulationSteps(2).numTrainEpochs(1).loggingSteps(500));
    assertEquals(List.of("onInitEnd@0", "onTrainBegin@0", "onEpochBegin@0",
            "onStepBegin@0", "onSubstepEnd@0", "onPreOptimizerStep@0", "onOptimizerStep@0", "onStepEnd@1",
            "onStepBegin@1", "onPreOptimizerStep@1", "onOptimizerStep@1", "onStepEnd@2",
            "onEpochEnd@2", "onLog[train_runtime]@2", "onTrainEnd@2"),
        r.events);
  }

  @Test
  void loggingFirstStepLogsStepOne() {
    EventRecorder r = run(a -> a.loggingFirstStep(true).loggingSteps(4));
    assertEquals(List.of("onLog[loss]@1", "onLog[loss]@4", "onLog[train_runtime]@6"), r.only("onLog"));
  }

  @Test
  void ratioStepsResolveAgainstMaxSteps() {
    List<Integer> loggingSteps = new ArrayList<>();
    TrainerCallback probe = new TrainerCallback() {
      @Override
      public void onTrainBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        loggingSteps.add(s.loggingSteps());
        loggingSteps.add(s.evalSteps());
      }
    };
    EventRecorder r = run(a -> a.loggingSteps(0.5).evalStrategy("steps").evalSteps(0.34), probe);
    assertEquals(List.of(3, 3), loggingSteps); // ceil(6 * 0.5) and ceil(6 * 0.34)
    assertEquals(List.of("onLog[loss]@3", "onLog[eval_loss]@3", "onLog[loss]@6", "onLog[eval_loss]@6",
        "onLog[train_runtime]@6"), r.only("onLog"));
  }

  @Test
  void maxStepsCutsAnEpochShort() {
    List<Double> epochs = new ArrayList<>();
    TrainerCallback probe = new TrainerCallback() {
      @Override
      public void onEpochEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        epochs.add(s.epoch().orElseThrow());
      }
    };
    EventRecorder r = run(a -> a.maxSteps(4).numTrainEpochs(10), probe);
    assertEquals(List.of("onEpochEnd@3", "onEpochEnd@4", "onTrainEnd@4"), r.only("onEpochEnd", "onTrainEnd"));
    assertEquals(List.of(1.0, 1 + 1.0 / 3), epochs);
  }

  @Test
  void epochIsEmptyUntilTrainingStartsAsHfsNone() {
    List<String> seen = new ArrayList<>();
    TrainerCallback probe = new TrainerCallback() {
      @Override
      public void onInitEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        seen.add("init " + s.epoch() + " " + s.toJson().contains("\"epoch\": null,"));
      }

      @Override
      public void onTrainBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        seen.add("train " + s.epoch());
      }
    };
    try (Model model = Fixtures.mlp(4)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.toString()).perDeviceTrainBatchSize(4).maxSteps(1)
              .saveStrategy("no").reportTo("none").build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(10, 1))).evalDataset(Fixtures.dataset(Fixtures.blobs(5, 2)))
          .callbacks(probe).build();

      Map<String, Object> before = trainer.evaluate();
      Map<String, Object> beforeInHistory = trainer.state().logHistory().get(0);
      trainer.train();
      Map<String, Object> after = trainer.evaluate();

      assertEquals(List.of("init Optional.empty true", "train Optional[0.0]"), seen);
      assertFalse(before.containsKey("epoch"), "HF's log adds epoch only once it is set: " + before);
      assertFalse(beforeInHistory.containsKey("epoch"), beforeInHistory.toString());
      assertEquals(1.0 / 3, after.get("epoch"));
    }
  }

  @Test
  void evaluateAfterTrainLogsASecondEvalRowAtTheSameStepAsHf() {
    try (Model model = Fixtures.mlp(4)) {
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.toString()).perDeviceTrainBatchSize(4).numTrainEpochs(1)
              .evalStrategy("epoch").saveStrategy("no").reportTo("none").build())
          .trainDataset(Fixtures.dataset(Fixtures.blobs(10, 1))).evalDataset(Fixtures.dataset(Fixtures.blobs(5, 2)))
          .build();
      trainer.train();
      Map<String, Object> again = trainer.evaluate();

      List<Map<String, Object>> evalRows = trainer.state().logHistory().stream()
          .filter(r -> r.containsKey("eval_loss")).toList();
      assertEquals(2, evalRows.size());
      assertEquals(List.of(3, 3), evalRows.stream().map(r -> r.get("step")).toList());
      assertEquals(List.of(1.0, 1.0), evalRows.stream().map(r -> r.get("epoch")).toList());
      assertEquals(evalRows.get(0).get("eval_loss"), again.get("eval_loss"), "the same model, the same data");
    }
  }

  @Test
  void aCallbackCanStopTraining() {
    TrainerCallback stopper = new TrainerCallback() {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (s.globalStep() == 2) {
          c.setShouldTrainingStop(true);
        }
      }
    };
    EventRecorder r = run(a -> { }, stopper);
    assertEquals(List.of("onStepEnd@1", "onStepEnd@2", "onEpochEnd@2", "onTrainEnd@2"),
        r.only("onStepEnd", "onEpochEnd", "onTrainEnd"));
  }

  @Test
  void flagsAreResetBeforeTheirEvents() {
    List<String> seen = new ArrayList<>();
    TrainerCallback setter = new TrainerCallback() {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (s.globalStep() == 1) {
          c.setShouldLog(true);
          c.setShouldEvaluate(true);
        }
      }

      @Override
      public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        seen.add("log should_log=" + c.shouldLog());
      }

      @Override
      public void onEvaluate(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        seen.add("evaluate should_evaluate=" + c.shouldEvaluate());
      }

      @Override
      public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        seen.add("step_begin log=" + c.shouldLog() + " evaluate=" + c.shouldEvaluate() + " save=" + c.shouldSave());
      }
    };
    run(a -> a.numTrainEpochs(1).maxSteps(2), setter);
    // step 1: the forced log, then the evaluation's own log row, then onEvaluate; step 2: the train metrics.
    assertEquals(List.of("step_begin log=false evaluate=false save=false", "log should_log=false",
        "log should_log=false", "evaluate should_evaluate=false", "step_begin log=false evaluate=false save=false",
        "log should_log=false"), seen);
  }
}
