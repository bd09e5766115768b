package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.trainer4j.core.TrainerControl;
import org.trainer4j.core.TrainerState;
import org.trainer4j.core.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.Integrations;
import org.trainer4j.wandb.WandbFileReader.Rec;

/** The callback driven event by event, as the Trainer drives it, writing offline runs. */
class WandbCallbackTest {
  @TempDir Path dir;

  private final TrainingArguments args = TrainingArguments.builder().outputDir("out").runName("hf-style")
      .learningRate(0.001).build();
  private final TrainerControl control = new TrainerControl();

  private WandbCallback callback() {
    return new WandbCallback(TestRuns.offline(dir).build());
  }

  private static TrainerState state(int globalStep) {
    TrainerState state = new TrainerState();
    state.setGlobalStep(globalStep);
    return state;
  }

  @Test
  void rowsAreNamespacedAndCarryTheGlobalStepAndEndOfTrainingFiguresGoToTheSummary() throws Exception {
    WandbCallback callback = callback();
    CallbackContext context = CallbackContext.empty();
    callback.onTrainBegin(args, state(0), control, context);
    callback.onLog(args, state(5), control, context.withLogs(row("loss", 0.7, "learning_rate", 1e-3, "epoch", 0.5)));
    callback.onLog(args, state(10), control, context.withLogs(row("eval_loss", 0.6, "eval_accuracy", 0.8, "epoch", 1.0)));
    callback.onLog(args, state(10), control, context.withLogs(row("train_runtime", 3.25, "train_samples_per_second", 100.0,
        "train_steps_per_second", 3.0, "total_flos", 1.0e6, "train_loss", 0.65, "epoch", 1.0)));
    callback.onTrainEnd(args, state(10), control, context);
    WandbRun run = callback.run().orElseThrow();
    assertTrue(run.isFinished());

    List<Rec> records = WandbFileReader.read(run.file().orElseThrow());
    List<Map<String, String>> rows = WandbFileReader.historyRows(records);
    assertEquals(3, rows.size());
    assertEquals(List.of("train/loss", "train/learning_rate", "train/epoch", "train/global_step"),
        List.copyOf(rows.get(0).keySet()).subList(0, 4));
    assertEquals("5", rows.get(0).get("train/global_step"));
    assertEquals(List.of("eval/loss", "eval/accuracy", "train/epoch", "train/global_step"),
        List.copyOf(rows.get(1).keySet()).subList(0, 4));
    // The last row holds only the epoch: the end-of-training figures are summary values.
    assertEquals(List.of("train/epoch", "train/global_step", "_runtime", "_timestamp", "_step"),
        List.copyOf(rows.get(2).keySet()));
    Map<String, String> summary = WandbFileReader.summary(records);
    assertEquals("3.25", summary.get("train/train_runtime"));
    assertEquals("100.0", summary.get("train/train_samples_per_second"));
    assertEquals("3.0", summary.get("train/train_steps_per_second"));
    assertEquals("1000000.0", summary.get("train/total_flos"));
    assertEquals("0.65", summary.get("train/train_loss"));
    assertEquals("0.6", summary.get("eval/loss"));
    WireMessage exit = records.stream().filter(r -> r.type().equals("exit")).findFirst().orElseThrow().body();
    assertEquals(0, exit.varint(1));

    WireMessage runRecord = records.get(0).body();
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
      callback.onTrainBegin(args, state(0), control, CallbackContext.empty().withModel(model));
      callback.finish(0);
      List<Rec> records = WandbFileReader.read(callback.run().orElseThrow().file().orElseThrow());
      Map<String, String> config = records.get(1).body().messages(1).stream()
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
  void predictMetricsAreLoggedUnderTest() throws Exception {
    WandbCallback callback = new WandbCallback(TestRuns.offline(dir).build(), false);
    callback.onTrainBegin(args, state(0), control, CallbackContext.empty());
    callback.onTrainEnd(args, state(8), control, CallbackContext.empty());
    assertFalse(callback.run().orElseThrow().isFinished(), "finishOnTrainEnd=false keeps the run open");
    callback.onPredict(args, state(8), control, CallbackContext.empty().withMetrics(row("test_loss", 0.4, "test_f1", 0.9)));
    FinishReport report = callback.finish(0).orElseThrow();
    List<Map<String, String>> rows = WandbFileReader.historyRows(WandbFileReader.read(
        callback.run().orElseThrow().file().orElseThrow()));
    assertEquals(1, report.rowsLogged());
    assertEquals("0.4", rows.get(0).get("test/loss"));
    assertEquals("0.9", rows.get(0).get("test/f1"));
    assertEquals("8", rows.get(0).get("train/global_step"));
  }

  @Test
  void predictAfterAFinishedRunStartsANewRunWithItsOwnId() throws Exception {
    WandbCallback callback = callback();
    callback.onTrainBegin(args, state(0), control, CallbackContext.empty());
    callback.onTrainEnd(args, state(8), control, CallbackContext.empty());
    String first = callback.run().orElseThrow().runId();
    callback.onPredict(args, state(8), control, CallbackContext.empty().withMetrics(row("test_loss", 0.4)));
    String second = callback.run().orElseThrow().runId();
    assertFalse(first.equals(second));
    callback.finish(0);
  }

  @Test
  void onlyWorldProcessZeroReports() throws Exception {
    TrainerState other = TrainerState.fromJson(new TrainerState().toJson()
        .replace("\"is_world_process_zero\": true", "\"is_world_process_zero\": false"));
    assertFalse(other.isWorldProcessZero());
    WandbCallback callback = callback();
    callback.onTrainBegin(args, other, control, CallbackContext.empty());
    callback.onLog(args, other, control, CallbackContext.empty().withLogs(row("loss", 1.0)));
    callback.onTrainEnd(args, other, control, CallbackContext.empty());
    assertTrue(callback.run().isEmpty());
    assertFalse(Files.exists(dir.resolve("wandb")));
  }

  @Test
  void theProviderIsFoundAsWandbAndReadsTheEnvironment() {
    assertTrue(Integrations.available(getClass().getClassLoader()).get("wandb") instanceof WandbCallbackProvider);
    WandbCallbackProvider provider = new WandbCallbackProvider(Map.of("WANDB_MODE", "offline",
        "WANDB_DIR", dir.toString(), "WANDB_RUN_ID", "prov1234"));
    WandbCallback callback = (WandbCallback) provider.create(args);
    callback.onTrainBegin(args, state(0), control, CallbackContext.empty());
    callback.onTrainEnd(args, state(0), control, CallbackContext.empty());
    assertTrue(callback.run().orElseThrow().directory().orElseThrow().getFileName().toString().endsWith("-prov1234"));
  }
}
