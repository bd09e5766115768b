package org.trainer4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.metrics.TrainOutput;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackException;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.checkpoint.Safetensors;

/** What the driver logs, evaluates, saves and reports, with values a test can predict. */
class CallbackDriverTest {
  @TempDir Path dir;

  /** 8 examples in batches of 4: two steps per epoch. */
  private TrainingArguments.Builder args() {
    return TrainingArguments.builder().outputDir(dir).perDeviceTrainBatchSize(4).perDeviceEvalBatchSize(4)
        .numTrainEpochs(2).learningRate(1e-2).saveStrategy("no").reportTo("none");
  }

  @Test
  void trainingRowsCarryTheCurvesTheRealScheduleAndTheFinalMetrics() {
    CallbackDriver driver = CallbackDriver.builder(args().loggingSteps(2).build())
        .trainExamples(8).trainLoss(step -> step).gradNorm(step -> 10.0 * step).build();
    TrainOutput out = driver.train();

    List<Map<String, Object>> rows = driver.recorder().logs();
    assertEquals(3, rows.size());
    assertEquals(List.of("loss", "grad_norm", "learning_rate", "epoch"), List.copyOf(rows.get(0).keySet()));
    assertEquals(1.5, rows.get(0).get("loss"));            // mean of steps 1 and 2
    assertEquals(20.0, rows.get(0).get("grad_norm"));      // the norm of step 2
    assertEquals(1e-2 * 3 / 4, (double) rows.get(0).get("learning_rate"), 1e-15); // linear decay, step 2 of 4
    assertEquals(1.0, rows.get(0).get("epoch"));
    assertEquals(3.5, rows.get(1).get("loss"));
    assertEquals(1e-2 / 4, (double) rows.get(1).get("learning_rate"), 1e-15);

    Map<String, Object> last = rows.get(2);
    assertEquals(List.of("train_runtime", "train_samples_per_second", "train_steps_per_second", "total_flos",
        "train_loss", "epoch"), List.copyOf(last.keySet()));
    assertEquals(0.2, last.get("train_runtime"));          // 4 steps of 0.05 s
    assertEquals(80.0, last.get("train_samples_per_second"));
    assertEquals(20.0, last.get("train_steps_per_second"));
    assertEquals(6.0 * 10_000 * 16, last.get("total_flos"));
    assertEquals(2.5, out.trainingLoss());
    assertEquals(4, out.globalStep());
    assertEquals(List.of(2, 4, 4), driver.state().logHistory().stream().map(r -> r.get("step")).toList());
  }

  @Test
  void evaluationPrefixesMetricsLogsThemAndFiresOnEvaluate() {
    CallbackDriver driver = CallbackDriver.builder(args().build()).evalExamples(10)
        .evalLoss(step -> 0.25).evalMetrics(state -> orderedMap("accuracy", 0.9, "eval_f1", 0.8)).build();
    Map<String, Object> metrics = driver.evaluate();

    assertEquals(List.of("eval_f1", "eval_loss", "eval_accuracy", "eval_runtime", "eval_samples_per_second",
        "eval_steps_per_second"), List.copyOf(metrics.keySet()), "no epoch before training, as HF");
    assertEquals(0.25, metrics.get("eval_loss"));
    assertEquals(0.9, metrics.get("eval_accuracy"));
    assertEquals(0.03, metrics.get("eval_runtime"));       // 3 batches of 0.01 s
    assertEquals(List.of("onInitEnd@0", "onPredictionStep@0", "onPredictionStep@0", "onPredictionStep@0",
        "onLog@0" + metrics.keySet(), "onEvaluate@0" + metrics.keySet()), driver.recorder().trace());
    assertEquals(0, driver.state().logHistory().get(0).get("step"));
  }

  @Test
  void evaluationWithAnotherPrefixAndGivenMetrics() {
    CallbackDriver driver = CallbackDriver.builder(args().build()).evalExamples(4).build();
    Map<String, Object> metrics = driver.evaluate(Map.of("bleu", 31.5), "val");
    assertEquals(31.5, metrics.get("val_bleu"));
    assertTrue(metrics.containsKey("val_loss"));
    assertThrows(IllegalArgumentException.class, () -> driver.evaluate(Map.of(), "eval/x"));
  }

  @Test
  void predictionFiresOnPredictWithTestMetricsAndLogsNothing() {
    CallbackDriver driver = CallbackDriver.builder(args().build()).evalExamples(4).testExamples(9).build();
    Map<String, Object> metrics = driver.predict(Map.of("accuracy", 0.7));

    assertEquals(List.of("test_loss", "test_accuracy", "test_runtime", "test_samples_per_second",
        "test_steps_per_second"), List.copyOf(metrics.keySet()));
    assertEquals(3, driver.recorder().events(Event.ON_PREDICTION_STEP).size());
    assertEquals(metrics, driver.recorder().events(Event.ON_PREDICT).get(0).metrics());
    assertTrue(driver.state().logHistory().isEmpty());
    assertTrue(driver.recorder().logs().isEmpty());
  }

  @Test
  void savesWriteWholeCheckpointsWithCallbackStatesAndSyntheticWeights() throws IOException {
    TrainingArguments args = args().saveStrategy("steps").saveSteps(2).evalStrategy("steps").evalSteps(2)
        .metricForBestModel("loss").build();
    CallbackDriver driver = CallbackDriver.builder(args).trainExamples(8).evalExamples(4)
        .evalLoss(step -> 1.0 / step).callbacks(new EarlyStoppingCallback(3, 0.0)).build();
    driver.train();

    assertEquals(List.of("onSave@2", "onSave@4"), driver.recorder().trace(Event.ON_SAVE));
    Path second = dir.resolve("checkpoint-4");
    TrainerState saved = TrainerState.loadFromJson(second.resolve(Checkpoints.TRAINER_STATE));
    assertEquals(4, saved.globalStep());
    assertEquals(java.util.Set.of("TrainerControl", "EarlyStoppingCallback"), saved.statefulCallbacks().keySet());
    assertEquals(0.25, saved.bestMetric().orElseThrow());
    assertEquals(second.toString(), saved.bestModelCheckpoint().orElseThrow());
    assertEquals(args.toJson(), Files.readString(second.resolve(Checkpoints.TRAINING_ARGS)));
    for (String file : Checkpoints.FULL) {
      assertTrue(Files.isRegularFile(second.resolve(file)), file); // the real loop's checkpoint, every file
    }
    assertTrue(Safetensors.read(second.resolve(Checkpoints.MODEL)).isEmpty()); // a synthetic engine has no weights
    assertTrue(Files.isDirectory(dir.resolve("checkpoint-2")));
  }

  @Test
  void aResumeSkipsWhatTheCheckpointHoldsAndContinuesItsLossSums() {
    TrainingArguments.Builder base = args().numTrainEpochs(3).loggingSteps(4).saveStrategy("steps").saveSteps(2);
    CallbackDriver whole = CallbackDriver.builder(base.build()).trainExamples(8).trainLoss(step -> step).build();
    TrainOutput uninterrupted = whole.train();
    CallbackDriver resumed = CallbackDriver.builder(base.overwriteOutputDir(false)
        .resumeFromCheckpoint(dir.resolve("checkpoint-2").toString()).build()).trainExamples(8)
        .trainLoss(step -> step).build();
    TrainOutput out = resumed.train();

    // The real loop's resume: steps 3..6 only, the log at step 4 averages steps 1..4 as the whole run's.
    assertEquals(List.of("onStepEnd@3", "onStepEnd@4", "onStepEnd@5", "onStepEnd@6"),
        resumed.recorder().trace(Event.ON_STEP_END));
    assertEquals(whole.state().logHistory().get(0).get("loss"), resumed.state().logHistory().get(0).get("loss"));
    assertEquals(uninterrupted.trainingLoss(), out.trainingLoss());
  }

  @Test
  void nonFiniteLossesAreLeftOutAndCountedAsInTheTrainer() {
    CallbackDriver driver = CallbackDriver.builder(args().loggingSteps(2).build()).trainExamples(8)
        .trainLoss(step -> step == 2 ? Double.NaN : step).build();
    driver.train();

    Map<String, Object> first = driver.recorder().logs().get(0);
    assertEquals(1.0, first.get("loss")); // step 2's NaN counts as the running mean (HF's rule)
    assertEquals(1, first.get("nonfinite_losses"));
  }

  @Test
  void withoutCheckpointFilesOnlyOnSaveFires() throws IOException {
    CallbackDriver driver = CallbackDriver.builder(args().saveStrategy("epoch").build()).trainExamples(8)
        .writeCheckpoints(false).build();
    driver.train();
    assertEquals(List.of("onSave@2", "onSave@4"), driver.recorder().trace(Event.ON_SAVE));
    try (var entries = Files.list(dir)) {
      assertEquals(List.of(), entries.toList());
    }
  }

  @Test
  void earlyStoppingSeesTheEvalLossCurveAndStopsTheRun() {
    double[] losses = {0, 1.0, 0.8, 0.9, 0.7};
    TrainingArguments args = args().numTrainEpochs(5).evalStrategy("steps").evalSteps(1)
        .metricForBestModel("loss").build();
    CallbackDriver driver = CallbackDriver.builder(args).trainExamples(8).evalExamples(4)
        .evalLoss(step -> losses[Math.min(step, 4)]).callbacks(new EarlyStoppingCallback(1, 0.0)).build();
    TrainOutput out = driver.train();

    assertEquals(3, out.globalStep());
    assertEquals(List.of("onEvaluate@1", "onEvaluate@2", "onEpochEnd@2", "onEvaluate@3", "onEpochEnd@3",
            "onTrainEnd@3"),
        driver.recorder().trace(Event.ON_EVALUATE, Event.ON_EPOCH_END, Event.ON_TRAIN_END).stream()
            .map(s -> s.replaceAll("\\[.*", "")).toList());
    assertEquals(2, driver.state().bestGlobalStep().orElseThrow());
    assertTrue(driver.recorder().events(Event.ON_EVALUATE).get(2).control().shouldTrainingStop());
  }

  @Test
  void saveStrategyBestSavesOnlyOnANewBestMetric() {
    double[] losses = {0, 1.0, 0.8, 0.9, 0.7};
    TrainingArguments args = args().evalStrategy("steps").evalSteps(1).saveStrategy("best")
        .metricForBestModel("loss").build();
    CallbackDriver driver = CallbackDriver.builder(args).trainExamples(8).evalExamples(4)
        .evalLoss(step -> losses[step]).writeCheckpoints(false).build();
    driver.train();
    assertEquals(List.of("onSave@1", "onSave@2", "onSave@4"), driver.recorder().trace(Event.ON_SAVE));
    assertEquals(0.7, driver.state().bestMetric().orElseThrow());
  }

  @Test
  void aCallbackSteersTheLoopThroughControl() {
    TrainerCallback stopAtTwo = new TrainerCallback() {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (s.globalStep() == 2) {
          c.setShouldTrainingStop(true);
        }
      }
    };
    CallbackDriver driver = CallbackDriver.builder(args().numTrainEpochs(3).build()).trainExamples(8)
        .callbacks(stopAtTwo).build();
    driver.train();
    assertEquals(List.of("onStepEnd@1", "onStepEnd@2", "onEpochEnd@2", "onTrainEnd@2"),
        driver.recorder().trace(Event.ON_STEP_END, Event.ON_EPOCH_END, Event.ON_TRAIN_END));
  }

  @Test
  void aUserCallbackThatThrowsFailsTheRunNamingTheEvent() {
    TrainerCallback broken = new TrainerCallback() {
      @Override
      public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        throw new IllegalStateException("disk full");
      }
    };
    CallbackDriver driver = CallbackDriver.builder(args().loggingSteps(1).build()).trainExamples(8)
        .callbacks(broken).build();
    CallbackException e = assertThrows(CallbackException.class, driver::train);
    assertEquals(Event.ON_LOG, e.event());
  }

  @Test
  void anIntegrationThatThrowsIsSwitchedOffAndTheRunGoesOn() {
    List<Integer> calls = new ArrayList<>();
    TrainerCallback flaky = new TrainerCallback() {
      @Override
      public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        calls.add(s.globalStep());
        throw new IllegalStateException("server down");
      }
    };
    CallbackDriver driver = CallbackDriver.builder(args().loggingSteps(1).build()).trainExamples(8)
        .integrations(flaky).build();
    driver.train();
    assertEquals(List.of(1), calls);
    assertEquals(5, driver.recorder().logs().size());
  }

  /** A plugin that keeps test metrics until it is closed, as a writer that flushes on close would. */
  private static final class ClosingPlugin implements TrainerCallback, AutoCloseable {
    private final String name;
    private final List<String> journal;
    private final List<Object> pending = new ArrayList<>();
    private final boolean failOnClose;

    ClosingPlugin(String name, List<String> journal, boolean failOnClose) {
      this.name = name;
      this.journal = journal;
      this.failOnClose = failOnClose;
    }

    @Override
    public void onPredict(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
      pending.add(x.metrics().get("test_loss"));
    }

    @Override
    public void close() throws IOException {
      journal.add(name + " closed with " + pending);
      if (failOnClose) {
        throw new IOException("cannot flush " + name);
      }
    }
  }

  @Test
  void closeClosesTheCloseableCallbacksInCallingOrderAsTheTrainerDoes() {
    List<String> journal = new ArrayList<>();
    CallbackDriver driver = CallbackDriver.builder(args().build()).trainExamples(8).evalExamples(4)
        .evalLoss(step -> 0.5)
        .callbacks(new ClosingPlugin("user", journal, false))
        .integrations(new ClosingPlugin("integration", journal, false)).build();
    driver.train();
    driver.predict();
    assertEquals(List.of(), journal, "nothing is closed before close()");

    driver.close();
    assertEquals(List.of("integration closed with [0.5]", "user closed with [0.5]"), journal);
    driver.close();
    assertEquals(2, journal.size(), "a second close() closes nothing again");
  }

  @Test
  void aCallbackThatFailsToCloseIsReportedAfterTheOthersAreClosed() {
    List<String> journal = new ArrayList<>();
    CallbackDriver driver = CallbackDriver.builder(args().build())
        .callbacks(new ClosingPlugin("first", journal, true), new ClosingPlugin("second", journal, false)).build();
    IllegalStateException e = assertThrows(IllegalStateException.class, driver::close);
    assertEquals(List.of("first closed with []", "second closed with []"), journal);
    assertTrue(e.getMessage().startsWith("callback " + ClosingPlugin.class.getName() + " failed to close: "
        + "java.io.IOException: cannot flush first"), e.getMessage());
    assertTrue(e.getCause() instanceof IOException);
  }

  @Test
  void theProcessFlagsReachTheCallbacks() {
    List<Boolean> seen = new ArrayList<>();
    TrainerCallback probe = new TrainerCallback() {
      @Override
      public void onTrainBegin(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        seen.add(s.isWorldProcessZero());
        seen.add(s.isLocalProcessZero());
      }
    };
    CallbackDriver.builder(args().build()).trainExamples(8).worldProcessZero(false).callbacks(probe)
        .build().train();
    assertEquals(List.of(false, true), seen);
  }

  @Test
  void reportToSelectsProvidersFromTheClassPathAsTheTrainerDoes() {
    ProbeProvider.CREATED.clear();
    CallbackDriver.builder(args().reportTo("probe").loggingSteps(2).build()).trainExamples(8)
        .discoverIntegrations().build().train();
    assertEquals(List.of("train/loss", "train/grad_norm", "train/learning_rate", "train/epoch"),
        ProbeProvider.CREATED.get(0).keys.subList(0, 4));

    CallbackDriver.builder(args().reportTo("none").build()).discoverIntegrations().build();
    assertEquals(1, ProbeProvider.CREATED.size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CallbackDriver.builder(args().reportTo("nope").build()).discoverIntegrations().build());
    assertTrue(e.getMessage().contains("report_to=nope") && e.getMessage().contains("found: probe"), e.getMessage());
  }

  @Test
  void missingShapeAndBadValuesAreReportedByName() {
    CallbackDriver noData = CallbackDriver.builder(args().evalStrategy("epoch").build()).build();
    assertTrue(assertThrows(IllegalStateException.class, noData::train).getMessage().contains("trainExamples(n)"));
    assertTrue(assertThrows(IllegalStateException.class, noData::evaluate).getMessage().contains("evalExamples(n)"));
    CallbackDriver noEval = CallbackDriver.builder(args().evalStrategy("epoch").build()).trainExamples(8).build();
    assertThrows(IllegalStateException.class, noEval::train);

    CallbackDriver.Builder b = CallbackDriver.builder(args().build());
    assertEquals("trainExamples=-1 is not allowed; use 0 or more",
        assertThrows(IllegalArgumentException.class, () -> b.trainExamples(-1)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> b.secondsPerStep(0)).getMessage()
        .startsWith("secondsPerStep=0.0 is not allowed"));
    assertThrows(IllegalArgumentException.class, () -> b.callbacks((TrainerCallback) null));
    assertThrows(IllegalArgumentException.class, () -> Curve.decaying(1, 0, 0));
  }

  private static Map<String, Object> orderedMap(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
