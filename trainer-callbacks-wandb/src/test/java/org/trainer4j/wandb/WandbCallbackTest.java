package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainer4j.wandb.TestRuns.row;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackException;
import org.trainer4j.core.callback.IntegrationConfig;
import org.trainer4j.core.callback.IntegrationContext;
import org.trainer4j.core.callback.Integrations;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.testkit.CallbackDriver;
import org.trainer4j.testkit.WandbFileReader;
import org.trainer4j.testkit.WireMessage;
import org.trainer4j.testkit.WandbFileReader.Rec;

/** The callback driven through runs by the test kit (as the Trainer drives it), writing offline runs. */
class WandbCallbackTest {
  @TempDir Path dir;

  private final TrainingArguments args = baseArgs().build();

  private static TrainingArguments.Builder baseArgs() {
    return TrainingArguments.builder().outputDir("out").runName("hf-style").learningRate(0.001);
  }

  /** Batches of 4, one epoch, no checkpoints: {@code trainExamples(40)} gives ten steps. */
  private static TrainingArguments.Builder runArgs() {
    return baseArgs().perDeviceTrainBatchSize(4).perDeviceEvalBatchSize(4).numTrainEpochs(1).saveStrategy("no");
  }

  private WandbCallback callback() {
    return new WandbCallback(TestRuns.offline(dir).build());
  }

  @Test
  void rowsAreNamespacedAndCarryTheGlobalStepAndEndOfTrainingFiguresGoToTheSummary() throws Exception {
    WandbCallback callback = callback();
    // Ten steps: training rows at 5 and 10, an evaluation at 10, then the end-of-training row.
    CallbackDriver driver = CallbackDriver.builder(runArgs().loggingSteps(5).evalStrategy("epoch").build())
        .trainExamples(40).evalExamples(8).trainLoss(step -> 0.75).evalLoss(step -> 0.6)
        .evalMetrics(state -> Map.of("accuracy", 0.8)).callbacks(callback).build();
    driver.train();
    WandbRun run = callback.run().orElseThrow();
    assertFalse(run.isFinished(), "the run stays open for evaluate() and predict() rows, as HF's");
    callback.close();
    assertTrue(run.isFinished());

    List<Rec> records = WandbFileReader.read(run.file().orElseThrow());
    List<Map<String, String>> rows = WandbFileReader.historyRows(records);
    assertEquals(List.of("5", "10", "10", "10"), rows.stream().map(r -> r.get("train/global_step")).toList());
    assertEquals(List.of("train/loss", "train/grad_norm", "train/learning_rate", "train/epoch", "train/global_step"),
        List.copyOf(rows.get(0).keySet()).subList(0, 5));
    assertEquals("0.75", rows.get(0).get("train/loss"));
    assertEquals(List.of("eval/loss", "eval/accuracy", "eval/runtime", "eval/samples_per_second",
        "eval/steps_per_second", "train/epoch", "train/global_step"), List.copyOf(rows.get(2).keySet()).subList(0, 7));
    // The last row holds only the epoch: the end-of-training figures are summary values.
    assertEquals(List.of("train/epoch", "train/global_step", "_runtime", "_timestamp", "_step"),
        List.copyOf(rows.get(3).keySet()));
    Map<String, String> summary = WandbFileReader.summary(records);
    assertEquals("0.52", summary.get("train_runtime"));         // the kit's 0.05 s per step, ten steps, and the
    assertEquals("76.923", summary.get("train_samples_per_second")); // evaluation's 2 batches of 0.01 s
    assertEquals("19.231", summary.get("train_steps_per_second"));
    assertEquals("2400000.0", summary.get("total_flos"));       // 6 x 10,000 parameters x 40 examples
    assertEquals("0.75", summary.get("train_loss"));
    assertEquals("0.6", summary.get("eval/loss"));
    assertEquals("0.8", summary.get("eval/accuracy"));
    WireMessage exit = records.stream().filter(r -> r.type().equals("exit")).findFirst().orElseThrow().body();
    assertEquals(0, exit.varint(1));

    WireMessage runRecord = WandbFileReader.first(records, "run");
    assertEquals("hf-style", runRecord.string(8));
  }

  @Test
  void theConfigHoldsTheTrainingArgumentsAndTheModelsParameterCount() throws Exception {
    try (Model model = Model.newInstance("tiny")) {
      SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(3).build())
          .add(Linear.builder().setUnits(2).build());
      model.setBlock(block);
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 4));
      WandbCallback callback = callback();
      // The kit's context has no model, so this one event is called by hand with a real one.
      callback.onTrainBegin(args, new TrainerState(), new TrainerControl(), CallbackContext.empty().withModel(model));
      callback.finish(0);
      List<Rec> records = WandbFileReader.read(callback.run().orElseThrow().file().orElseThrow());
      Map<String, String> config = WandbFileReader.first(records, "config").messages(1).stream()
          .collect(Collectors.toMap(m -> m.string(1), m -> m.string(16), (a, b) -> b, LinkedHashMap::new));
      assertEquals(List.copyOf(args.toMap().keySet()), List.copyOf(config.keySet()).subList(0, args.toMap().size()));
      assertEquals("0.001", config.get("learning_rate"));
      assertEquals("\"out\"", config.get("output_dir"));
      assertEquals("[\"all\"]", config.get("report_to"));
      // 4*3 + 3 + 3*2 + 2 parameters.
      assertEquals("23", config.get("model/num_parameters"));
      String yaml = Files.readString(callback.run().orElseThrow().directory().orElseThrow().resolve("files/config.yaml"));
      assertTrue(yaml.contains("\"model/num_parameters\":\n  \"value\": 23\n"), yaml);
    }
  }

  @Test
  void closingDuringATrainingThatNeverEndedFinishesTheRunAsFailed() throws Exception {
    WandbCallback callback = callback();
    TrainerCallback failing = new TrainerCallback() {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (s.globalStep() == 2) {
          throw new IllegalStateException("out of patience");
        }
      }
    };
    CallbackDriver driver = CallbackDriver.builder(runArgs().loggingSteps(1).build()).trainExamples(40)
        .callbacks(callback, failing).build();
    assertThrows(CallbackException.class, driver::train);
    callback.close(); // what Trainer.close() does when train() threw
    List<Rec> records = WandbFileReader.read(callback.run().orElseThrow().file().orElseThrow());
    WireMessage exit = records.stream().filter(r -> r.type().equals("exit")).findFirst().orElseThrow().body();
    assertEquals(1, exit.varint(1));
    assertEquals(List.of("1"), WandbFileReader.historyRows(records).stream().map(r -> r.get("train/global_step"))
        .toList(), "the row of step 1, logged before step 2 failed, is kept");
  }

  @Test
  void predictMetricsAreLoggedUnderTest() throws Exception {
    WandbCallback callback = callback();
    // Eight steps without training rows: only the end-of-training row (its epoch) is in the history.
    CallbackDriver driver = CallbackDriver.builder(runArgs().loggingStrategy("no").build()).trainExamples(32)
        .testExamples(8).evalLoss(step -> 0.4).callbacks(callback).build();
    driver.train();
    assertFalse(callback.run().orElseThrow().isFinished(), "the run stays open after training");
    driver.predict(row("f1", 0.9));
    FinishReport report = callback.finish(0).orElseThrow();
    List<Map<String, String>> rows = WandbFileReader.historyRows(WandbFileReader.read(
        callback.run().orElseThrow().file().orElseThrow()));
    assertEquals(2, report.rowsLogged());
    assertEquals(2, rows.size());
    Map<String, String> test = rows.get(1);
    assertEquals("0.4", test.get("test/loss"));
    assertEquals("0.9", test.get("test/f1"));
    assertEquals("8", test.get("train/global_step"));
  }

  @Test
  void predictAfterAFinishedRunStartsANewRunWithItsOwnId() throws Exception {
    WandbCallback callback = new WandbCallback(TestRuns.offline(dir).build(), true);
    CallbackDriver driver = CallbackDriver.builder(runArgs().build()).trainExamples(32).testExamples(8)
        .callbacks(callback).build();
    driver.train();
    assertTrue(callback.run().orElseThrow().isFinished(), "finishOnTrainEnd=true finishes at train end");
    String first = callback.run().orElseThrow().runId();
    driver.predict();
    String second = callback.run().orElseThrow().runId();
    assertFalse(first.equals(second));
    callback.finish(0);
  }

  @Test
  void onlyWorldProcessZeroReports() throws Exception {
    WandbCallback callback = callback();
    CallbackDriver driver = CallbackDriver.builder(runArgs().loggingSteps(1).build()).trainExamples(8)
        .testExamples(4).worldProcessZero(false).callbacks(callback).build();
    driver.train();
    driver.predict();
    assertFalse(driver.state().isWorldProcessZero());
    assertFalse(driver.recorder().logs().isEmpty(), "rows were logged");
    callback.close();
    assertTrue(callback.run().isEmpty());
    assertFalse(Files.exists(dir.resolve("wandb")));
  }

  @Test
  void theProviderIsFoundAsWandbAndReadsTheEnvironment() {
    assertTrue(Integrations.available(getClass().getClassLoader()).get("wandb") instanceof WandbCallbackProvider);
    TrainingArguments runArgs = runArgs().build();
    IntegrationConfig config = IntegrationConfig.of("wandb", Map.of("WANDB_MODE", "offline",
        "WANDB_DIR", dir.toString(), "WANDB_RUN_ID", "prov1234"), new java.util.Properties(), Map.of());
    WandbCallback callback = (WandbCallback) new WandbCallbackProvider().create(new IntegrationContext(runArgs, config));
    CallbackDriver.builder(runArgs).trainExamples(8).callbacks(callback).build().train();
    callback.close();
    assertTrue(callback.run().orElseThrow().directory().orElseThrow().getFileName().toString().endsWith("-prov1234"));
  }

  /** Builder settings win over system properties, which win over WANDB_* variables. */
  @Test
  void settingsGivenByNameOverrideTheSystemPropertiesAndTheEnvironment() throws Exception {
    TrainingArguments runArgs = runArgs().build();
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("trainer4j.wandb.run_id", "prop1234");
    properties.setProperty("trainer4j.wandb.project", "from-property");
    IntegrationConfig config = IntegrationConfig.of("wandb", Map.of("WANDB_MODE", "offline",
        "WANDB_DIR", dir.toString(), "WANDB_RUN_ID", "env12345", "WANDB_PROJECT", "from-env"), properties,
        Map.of("project", "from-builder"));
    WandbCallback callback = (WandbCallback) new WandbCallbackProvider().create(new IntegrationContext(runArgs, config));
    CallbackDriver.builder(runArgs).trainExamples(8).callbacks(callback).build().train();
    callback.close();
    WandbRun run = callback.run().orElseThrow();
    assertTrue(run.directory().orElseThrow().getFileName().toString().endsWith("-prop1234"), "the property's run id");
    List<WandbFileReader.Rec> records = WandbFileReader.read(run.file().orElseThrow());
    WireMessage runRecord = records.stream().filter(r -> r.type().equals("run")).findFirst().orElseThrow().body();
    assertEquals("from-builder", runRecord.string(3), "RunRecord.project: the builder's value");
  }
}
