package org.trainer4j.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.TrainerControl;
import org.trainer4j.core.TrainerState;
import org.trainer4j.core.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallbackProvider;
import org.trainer4j.core.json.PyJson;

class TensorBoardCallbackTest {
  @TempDir
  Path dir;

  private final TrainerState state = new TrainerState();
  private final TrainerControl control = new TrainerControl();

  private static Map<String, Object> row(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static CallbackContext logs(Object... keysAndValues) {
    return CallbackContext.empty().withLogs(row(keysAndValues));
  }

  private TensorBoardCallback callback() {
    return new TensorBoardCallback(WriterOptions.defaults(), name -> null);
  }

  @Test
  void aRunWritesArgsScalarsTextTestMetricsAndAnHparamsSession() throws Exception {
    TrainingArguments args = TrainingArguments.builder().outputDir(dir).learningRate(3e-4).build();
    TensorBoardCallback cb = callback();

    cb.onTrainBegin(args, state, control, CallbackContext.empty());
    state.setGlobalStep(5);
    state.setEpoch(0.5);
    cb.onLog(args, state, control, logs("loss", 0.9, "grad_norm", 1.5, "learning_rate", 3e-4, "epoch", 0.5));
    state.setGlobalStep(10);
    state.setEpoch(1.0);
    cb.onLog(args, state, control, logs("loss", 0.7, "learning_rate", 1.5e-4, "epoch", 1.0));
    cb.onLog(args, state, control, logs("eval_loss", 0.8, "eval_accuracy", 0.6, "eval_runtime", 0.2, "epoch", 1.0,
        "eval_note", "looks *fine*", "eval_matrix", List.of(1, 2)));
    cb.onEvaluate(args, state, control, CallbackContext.empty());
    assertTrue(cb.writer().isPresent(), "evaluation during training keeps the file open");
    state.setGlobalStep(20);
    state.setEpoch(2.0);
    cb.onLog(args, state, control, logs("eval_loss", 0.5, "eval_accuracy", 0.8, "eval_matrix", List.of(3), "epoch", 2.0));
    cb.onLog(args, state, control, logs("train_runtime", 4.2, "train_loss", 0.75, "epoch", 2.0));
    cb.onTrainEnd(args, state, control, CallbackContext.empty());
    assertTrue(cb.writer().isEmpty(), "closed at train end");
    cb.onPredict(args, state, control, CallbackContext.empty().withMetrics(row("test_loss", 0.55, "test_f1", 0.7)));
    assertTrue(cb.writer().isEmpty(), "closed after a predict outside training");

    Path runDir = cb.logDir().orElseThrow();
    assertEquals(List.of(runDir), listDir(dir.resolve("runs")), "one run folder, no stray hparams folder");
    List<TbEvents.Event> events = TbEvents.readRun(runDir);

    String argsText = TbEvents.texts(events, "args").get(0);
    assertTrue(argsText.startsWith("```json\n") && argsText.endsWith("\n```"), argsText);
    assertEquals(PyJson.loads(args.toJson()), PyJson.loads(argsText.substring(8, argsText.length() - 4)));

    assertPoints(events, "train/loss", List.of(5L, 10L), List.of(0.9f, 0.7f));
    assertPoints(events, "train/learning_rate", List.of(5L, 10L), List.of(3e-4f, 1.5e-4f));
    assertPoints(events, "train/grad_norm", List.of(5L), List.of(1.5f));
    assertPoints(events, "train/epoch", List.of(5L, 10L, 20L), List.of(0.5f, 1.0f, 2.0f));
    assertPoints(events, "eval/loss", List.of(10L, 20L), List.of(0.8f, 0.5f));
    assertPoints(events, "eval/accuracy", List.of(10L, 20L), List.of(0.6f, 0.8f));
    assertPoints(events, "train/train_loss", List.of(20L), List.of(0.75f));
    assertPoints(events, "test/loss", List.of(20L), List.of(0.55f));
    assertPoints(events, "test/f1", List.of(20L), List.of(0.7f));
    assertEquals(List.of("looks *fine*"), TbEvents.texts(events, "eval/note"));
    assertEquals(List.of(), TbEvents.valuesOf(events, "eval/matrix"), "a list is neither scalar nor text");

    TbEvents.Hparams session = TbEvents.hparams(events);
    assertEquals(List.of("eval/loss", "eval/accuracy", "eval/runtime"), session.metricTags());
    assertEquals(3e-4, session.values().get("learning_rate"));
    assertEquals(dir.toString(), session.values().get("output_dir"));
    assertEquals("None", session.values().get("logging_dir"));
    assertEquals("[\"all\"]", session.values().get("report_to"));
    assertEquals(false, session.values().get("do_train"));
    assertEquals(args.toMap().keySet(), session.values().keySet());
    assertEquals(1, session.endStatus());
  }

  @Test
  void modelTextCountsTheParameters() {
    try (Model model = Model.newInstance("tiny", "PyTorch")) {
      Linear linear = Linear.builder().setUnits(2).build();
      model.setBlock(linear);
      linear.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3));
      TrainingArguments args = TrainingArguments.builder().outputDir(dir).loggingDir(dir.resolve("tb")).build();
      TensorBoardCallback cb = callback();
      cb.onTrainBegin(args, state, control, CallbackContext.empty().withModel(model));
      cb.onTrainEnd(args, state, control, CallbackContext.empty());
    }
    String text = TbEvents.texts(TbEvents.readRun(dir.resolve("tb")), "model").get(0);
    assertTrue(text.contains("| model | tiny |"), text);
    assertTrue(text.contains("| block | Linear |"), text);
    assertTrue(text.contains("| parameters | 8 |"), text);
    assertTrue(text.contains("| trainable parameters | 8 |"), text);
  }

  @Test
  void theLogFolderIsLoggingDirThenTheEnvironmentThenOutputDirRuns() {
    TrainingArguments withDir = TrainingArguments.builder().outputDir(dir).loggingDir(dir.resolve("explicit")).build();
    TensorBoardCallback a = new TensorBoardCallback(WriterOptions.defaults(), name -> dir.resolve("env").toString());
    a.onTrainBegin(withDir, state, control, CallbackContext.empty());
    a.onTrainEnd(withDir, state, control, CallbackContext.empty());
    assertEquals(dir.resolve("explicit"), a.logDir().orElseThrow());

    TrainingArguments plain = TrainingArguments.builder().outputDir(dir.resolve("out")).build();
    TensorBoardCallback b = new TensorBoardCallback(WriterOptions.defaults(),
        name -> name.equals("TENSORBOARD_LOGGING_DIR") ? dir.resolve("env").toString() : null);
    b.onTrainBegin(plain, state, control, CallbackContext.empty());
    b.onTrainEnd(plain, state, control, CallbackContext.empty());
    assertEquals(dir.resolve("env"), b.logDir().orElseThrow());

    TensorBoardCallback c = callback();
    c.onTrainBegin(plain, state, control, CallbackContext.empty());
    c.onTrainEnd(plain, state, control, CallbackContext.empty());
    Path run = c.logDir().orElseThrow();
    assertEquals(dir.resolve("out").resolve("runs"), run.getParent());
    String name = run.getFileName().toString();
    assertTrue(name.matches("(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\\d{2}_\\d{2}-\\d{2}-\\d{2}_"
        + java.util.regex.Pattern.quote(Hostname.get())), name);
    for (Path folder : List.of(dir.resolve("explicit"), dir.resolve("env"), run)) {
      assertEquals(1, TbEvents.eventFiles(folder).size(), folder.toString());
    }
  }

  @Test
  void evaluateOutsideTrainingWritesAndClosesAtOnce() {
    TrainingArguments args = TrainingArguments.builder().outputDir(dir).loggingDir(dir.resolve("tb")).build();
    TensorBoardCallback cb = callback();
    state.setGlobalStep(3);
    cb.onLog(args, state, control, logs("eval_loss", 0.4, "epoch", 1.0));
    cb.onEvaluate(args, state, control, CallbackContext.empty());
    assertTrue(cb.writer().isEmpty());
    List<TbEvents.Event> events = TbEvents.readRun(dir.resolve("tb"));
    assertPoints(events, "eval/loss", List.of(3L), List.of(0.4f));
    assertEquals(List.of(), TbEvents.valuesOf(events, "_hparams_/experiment"));
  }

  @Test
  void onlyTheWorldProcessZeroWrites() {
    TrainerState other = TrainerState.fromJson("{\"is_world_process_zero\": false}");
    assertFalse(other.isWorldProcessZero());
    TrainingArguments args = TrainingArguments.builder().outputDir(dir).build();
    TensorBoardCallback cb = callback();
    cb.onTrainBegin(args, other, control, CallbackContext.empty());
    cb.onLog(args, other, control, logs("loss", 1.0));
    cb.onPredict(args, other, control, CallbackContext.empty().withMetrics(row("test_loss", 1.0)));
    cb.onTrainEnd(args, other, control, CallbackContext.empty());
    assertFalse(Files.exists(dir.resolve("runs")));
    assertTrue(cb.logDir().isEmpty());
  }

  @Test
  void theProviderIsFoundAsTensorboard() {
    List<TrainerCallbackProvider> found = ServiceLoader.load(TrainerCallbackProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("tensorboard"))
        .toList();
    assertEquals(1, found.size());
    assertTrue(found.get(0).create(TrainingArguments.builder().build()) instanceof TensorBoardCallback);
  }

  static void assertPoints(List<TbEvents.Event> events, String tag, List<Long> steps, List<Float> values) {
    List<TbEvents.Point> points = TbEvents.scalars(events, tag);
    assertEquals(steps, TbEvents.steps(points), tag + " steps");
    assertEquals(values, TbEvents.values(points), tag + " values");
  }

  private static List<Path> listDir(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.toList();
    }
  }
}
