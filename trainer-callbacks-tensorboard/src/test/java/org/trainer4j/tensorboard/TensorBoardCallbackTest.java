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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.Event;
import org.trainer4j.core.callback.LogKeys;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.callback.TrainerCallbackProvider;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.testkit.CallbackDriver;
import org.trainer4j.testkit.RecordedEvent;

/** The callback driven through runs by the test kit; the event files read back as TensorBoard reads them. */
class TensorBoardCallbackTest {
  @TempDir
  Path dir;

  /** Batches of 4, no checkpoints: {@code trainExamples(40)} gives ten steps per epoch. */
  private TrainingArguments.Builder args() {
    return TrainingArguments.builder().outputDir(dir).perDeviceTrainBatchSize(4).perDeviceEvalBatchSize(4)
        .saveStrategy("no");
  }

  private static Map<String, Object> row(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private TensorBoardCallback callback() {
    return new TensorBoardCallback(WriterOptions.defaults(), name -> null);
  }

  /** Trains a short run (8 examples, 2 steps per epoch, 3 epochs) through these callbacks. */
  private static CallbackDriver train(TrainingArguments args, TrainerCallback... callbacks) {
    CallbackDriver driver = CallbackDriver.builder(args).trainExamples(8).callbacks(callbacks).build();
    driver.train();
    return driver;
  }

  @Test
  void aRunWritesArgsScalarsTextTestMetricsAndAnHparamsSession() throws Exception {
    // Two epochs of ten steps: training rows at 5, 10, 15, 20; evaluations at 10 and 20.
    TrainingArguments args = args().learningRate(3e-4).numTrainEpochs(2).loggingSteps(5).evalStrategy("epoch")
        .build();
    TensorBoardCallback cb = callback();
    List<Boolean> openAtEvaluation = new ArrayList<>();
    TrainerCallback probe = new TrainerCallback() {
      @Override
      public void onEvaluate(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        openAtEvaluation.add(cb.writer().isPresent());
      }
    };
    CallbackDriver driver = CallbackDriver.builder(args).trainExamples(40).evalExamples(8)
        .trainLoss(step -> step <= 10 ? 0.75 : 0.5).gradNorm(step -> 1.5).evalLoss(step -> step <= 10 ? 0.8 : 0.5)
        .evalMetrics(state -> state.globalStep() == 10
            ? row("accuracy", 0.6, "note", "looks *fine*", "matrix", List.of(1, 2))
            : row("accuracy", 0.8, "matrix", List.of(3)))
        .callbacks(cb, probe).build();
    driver.train();
    assertEquals(List.of(true, true), openAtEvaluation, "evaluation during training keeps the file open");
    assertTrue(cb.writer().isEmpty(), "closed at train end");
    driver.predict(row("f1", 0.7));
    assertTrue(cb.writer().isEmpty(), "closed after a predict outside training");

    Path runDir = cb.logDir().orElseThrow();
    assertEquals(List.of(runDir), listDir(dir.resolve("runs")), "one run folder, no stray hparams folder");
    List<TbEvents.Event> events = TbEvents.readRun(runDir);

    // HF's tag and step: add_text("args", ...) without a step.
    assertEquals(List.of(0L), TbEvents.textSteps(events, "args/text_summary"));
    assertEquals(List.of(), TbEvents.valuesOf(events, "args"));
    String argsText = TbEvents.texts(events, "args/text_summary").get(0);
    assertTrue(argsText.startsWith("```json\n") && argsText.endsWith("\n```"), argsText);
    assertEquals(PyJson.loads(args.toJson()), PyJson.loads(argsText.substring(8, argsText.length() - 4)));

    assertPoints(events, "train/loss", List.of(5L, 10L, 15L, 20L), List.of(0.75f, 0.75f, 0.5f, 0.5f));
    assertPoints(events, "train/grad_norm", List.of(5L, 10L, 15L, 20L), List.of(1.5f, 1.5f, 1.5f, 1.5f));
    // Every row carries the epoch; it is written once per step.
    assertPoints(events, "train/epoch", List.of(5L, 10L, 15L, 20L), List.of(0.5f, 1.0f, 1.5f, 2.0f));
    assertPoints(events, "eval/loss", List.of(10L, 20L), List.of(0.8f, 0.5f));
    assertPoints(events, "eval/accuracy", List.of(10L, 20L), List.of(0.6f, 0.8f));
    assertPoints(events, "train/train_loss", List.of(20L), List.of(0.625f));
    assertPoints(events, "test/loss", List.of(20L), List.of(0.5f));
    assertPoints(events, "test/f1", List.of(20L), List.of(0.7f));
    assertEquals(List.of("looks *fine*"), TbEvents.texts(events, "eval/note/text_summary"));
    assertEquals(List.of(10L), TbEvents.textSteps(events, "eval/note/text_summary"));
    assertEquals(List.of(), TbEvents.valuesOf(events, "eval/matrix"), "a list is neither scalar nor text");
    // Every other number logged or predicted (learning rate, runtimes, rates, flos) too, at its step.
    Map<String, List<TbEvents.Point>> expected = loggedNumbers(driver);
    assertEquals(expected.keySet(), scalarTags(events));
    expected.forEach((tag, points) -> assertPoints(events, tag, TbEvents.steps(points), TbEvents.values(points)));

    TbEvents.Hparams session = TbEvents.hparams(events);
    assertEquals(List.of("eval/loss", "eval/accuracy", "eval/runtime", "eval/samples_per_second",
        "eval/steps_per_second"), session.metricTags());
    assertEquals(3e-4, session.values().get("learning_rate"));
    assertEquals(dir.toString(), session.values().get("output_dir"));
    assertEquals("None", session.values().get("logging_dir"));
    assertEquals("[\"all\"]", session.values().get("report_to"));
    assertEquals(false, session.values().get("do_train"));
    assertEquals(args.toMap().keySet(), session.values().keySet());
    assertEquals(1, session.endStatus());
  }

  /** The kit's context has no model, so this one event is called by hand with a real one. */
  @Test
  void modelTextCountsTheParameters() {
    try (Model model = Model.newInstance("tiny", "PyTorch")) {
      Linear linear = Linear.builder().setUnits(2).build();
      model.setBlock(linear);
      linear.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3));
      TrainingArguments args = TrainingArguments.builder().outputDir(dir).loggingDir(dir.resolve("tb")).build();
      TensorBoardCallback cb = callback();
      TrainerState state = new TrainerState();
      TrainerControl control = new TrainerControl();
      cb.onTrainBegin(args, state, control, CallbackContext.empty().withModel(model));
      cb.onTrainEnd(args, state, control, CallbackContext.empty());
    }
    String text = TbEvents.texts(TbEvents.readRun(dir.resolve("tb")), "model_config/text_summary").get(0);
    assertTrue(text.contains("| model | tiny |"), text);
    assertTrue(text.contains("| block | Linear |"), text);
    assertTrue(text.contains("| parameters | 8 |"), text);
    assertTrue(text.contains("| trainable parameters | 8 |"), text);
  }

  @Test
  void theLogFolderIsLoggingDirThenTheEnvironmentThenOutputDirRuns() {
    TrainingArguments withDir = args().loggingDir(dir.resolve("explicit")).build();
    TensorBoardCallback a = new TensorBoardCallback(WriterOptions.defaults(), name -> dir.resolve("env").toString());
    train(withDir, a);
    assertEquals(dir.resolve("explicit"), a.logDir().orElseThrow());

    TrainingArguments plain = args().outputDir(dir.resolve("out")).build();
    TensorBoardCallback b = new TensorBoardCallback(WriterOptions.defaults(),
        name -> name.equals("TENSORBOARD_LOGGING_DIR") ? dir.resolve("env").toString() : null);
    train(plain, b);
    assertEquals(dir.resolve("env"), b.logDir().orElseThrow());

    TensorBoardCallback c = callback();
    train(plain, c);
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
    TrainingArguments args = args().loggingDir(dir.resolve("tb")).build();
    TensorBoardCallback cb = callback();
    CallbackDriver driver = CallbackDriver.builder(args).evalExamples(8).evalLoss(step -> 0.4).callbacks(cb).build();
    driver.evaluate();
    assertTrue(cb.writer().isEmpty(), "closed when evaluate() returns");
    List<TbEvents.Event> events = TbEvents.readRun(dir.resolve("tb"));
    assertPoints(events, "eval/loss", List.of(0L), List.of(0.4f));
    assertEquals(List.of(), TbEvents.valuesOf(events, "_hparams_/experiment"));
  }

  /** As HF: the final evaluation logs eval/* again at the last step, in a second file of the run. */
  @Test
  void evaluateAfterTrainWritesTheEvalMetricsAgainAtTheSameStep() {
    TrainingArguments args = args().loggingDir(dir.resolve("tb")).numTrainEpochs(2).evalStrategy("epoch").build();
    TensorBoardCallback cb = callback();
    CallbackDriver driver = CallbackDriver.builder(args).trainExamples(8).evalExamples(4)
        .evalLoss(step -> 0.5).callbacks(cb).build();
    driver.train();
    driver.evaluate();
    List<TbEvents.Event> events = TbEvents.readRun(dir.resolve("tb"));
    assertEquals(2, TbEvents.eventFiles(dir.resolve("tb")).size());
    assertPoints(events, "eval/loss", List.of(2L, 4L, 4L), List.of(0.5f, 0.5f, 0.5f));
    List<Integer> files = events.stream().filter(e -> e.values().stream().anyMatch(v -> v.tag().equals("eval/loss")))
        .map(TbEvents.Event::file).toList();
    assertEquals(List.of(0, 0, 1), files, "the file of each eval/loss point");
    // Only train() marks a session start: the evaluation's file restarts nothing.
    assertEquals(List.of(List.of(0L, 1L)), TbEvents.sessionStarts(dir.resolve("tb")));
  }

  @Test
  void onlyTheWorldProcessZeroWrites() {
    TrainingArguments args = args().loggingSteps(1).evalStrategy("epoch").build();
    TensorBoardCallback cb = callback();
    CallbackDriver driver = CallbackDriver.builder(args).trainExamples(8).evalExamples(4).worldProcessZero(false)
        .callbacks(cb).build();
    driver.train();
    driver.predict();
    assertFalse(driver.state().isWorldProcessZero());
    assertFalse(driver.recorder().logs().isEmpty(), "rows were logged");
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

    // report_to=tensorboard picks it from META-INF/services, as the Trainer does, and it writes the run.
    CallbackDriver driver = CallbackDriver.builder(args().reportTo("tensorboard").loggingDir(dir.resolve("tb"))
        .loggingSteps(1).build()).trainExamples(8).discoverIntegrations().build();
    driver.train();
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L),
        TbEvents.steps(TbEvents.scalars(TbEvents.readRun(dir.resolve("tb")), "train/loss")));
  }

  static void assertPoints(List<TbEvents.Event> events, String tag, List<Long> steps, List<Float> values) {
    List<TbEvents.Point> points = TbEvents.scalars(events, tag);
    assertEquals(steps, TbEvents.steps(points), tag + " steps");
    assertEquals(values, TbEvents.values(points), tag + " values");
  }

  /**
   * What the run logged ({@code onLog}) and predicted ({@code onPredict}) as numbers, by TensorBoard tag:
   * the points a user should find, {@code train/epoch} once per step.
   */
  private static Map<String, List<TbEvents.Point>> loggedNumbers(CallbackDriver driver) {
    Map<String, List<TbEvents.Point>> out = new LinkedHashMap<>();
    for (RecordedEvent e : driver.recorder().events(Event.ON_LOG, Event.ON_PREDICT)) {
      Map<String, Object> values = e.event() == Event.ON_LOG ? e.logs() : e.metrics();
      LogKeys.rewriteLogs(values).forEach((tag, value) -> {
        List<TbEvents.Point> points = out.computeIfAbsent(tag, t -> new ArrayList<>());
        boolean sameStep = !points.isEmpty() && points.get(points.size() - 1).step() == e.globalStep();
        if (value instanceof Number n && !(tag.equals("train/epoch") && sameStep)) {
          points.add(new TbEvents.Point(e.globalStep(), n.floatValue(), 0));
        }
      });
    }
    out.values().removeIf(List::isEmpty);
    return out;
  }

  /** The tags of the scalars plugin (declared in the metadata of their first value). */
  private static Set<String> scalarTags(List<TbEvents.Event> events) {
    Set<String> tags = new LinkedHashSet<>();
    for (TbEvents.Event e : events) {
      for (TbEvents.Value v : e.values()) {
        if (v.pluginName().equals("scalars")) {
          tags.add(v.tag());
        }
      }
    }
    return tags;
  }

  private static List<Path> listDir(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.toList();
    }
  }
}
