package org.trainer4j.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.json.PyJson;

/**
 * {@code trainer_state.json} as HF writes it. The {@code state/hf_*.json} samples and the check that
 * {@code state/java_written.json} loads in HF's TrainerState come from {@code
 * src/test/python/make_hf_state.py} (see its docstring to re-run it).
 */
class TrainerStateJsonTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"hf_realistic.json", "hf_fresh.json", "hf_quirks.json"})
  void hfSampleLoadsAndSavesBackByteForByte(String sample) throws IOException {
    Path original = dir.resolve("trainer_state.json");
    Files.write(original, resource(sample));
    Path saved = dir.resolve("saved.json");

    TrainerState.loadFromJson(original).saveToJson(saved);

    assertEquals(Files.readString(original), Files.readString(saved));
    assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(saved));
  }

  @Test
  void realisticSampleReadsIntoTypedValues() throws IOException {
    TrainerState state = TrainerState.fromJson(text("hf_realistic.json"));

    assertEquals(Optional.of(3.0), state.epoch());
    assertEquals(1500, state.globalStep());
    assertEquals(1500, state.maxSteps());
    assertEquals(250, state.loggingSteps());
    assertEquals(500, state.evalSteps());
    assertEquals(500, state.saveSteps());
    assertEquals(Optional.of(16), state.trainBatchSize());
    assertEquals(3, state.numTrainEpochs());
    assertEquals(1e16, state.totalFlos());
    assertEquals(Optional.of(0.4421), state.bestMetric());
    assertEquals(Optional.of(1000), state.bestGlobalStep());
    assertEquals(Optional.of("trainer_output/checkpoint-1000"), state.bestModelCheckpoint());
    assertTrue(state.isWorldProcessZero());

    List<Map<String, Object>> history = state.logHistory();
    assertEquals(10, history.size(), "6 training rows, 3 evaluations and the train-end row");
    assertEquals(Map.of("epoch", 0.5, "grad_norm", 3.2178914546966553, "learning_rate", 4.5e-05,
        "loss", 0.6931, "step", 250L), history.get(0));
    assertTrue(Double.isNaN((Double) history.get(3).get("grad_norm")));
    Map<String, Object> eval = history.get(2);
    assertEquals(500L, eval.get("step"));
    assertTrue(eval.containsKey("eval_f1") && eval.containsKey("eval_accuracy"), eval.toString());
    Map<String, Object> end = history.get(9);
    assertEquals(1234.5678, end.get("train_runtime"));
    assertEquals(1e16, end.get("total_flos"));
  }

  @Test
  void statefulCallbacksWrittenByHfRestoreTheControlAndEarlyStopping() throws IOException {
    Map<String, Object> saved = TrainerState.fromJson(text("hf_realistic.json")).statefulCallbacks();
    TrainerControl control = new TrainerControl();
    EarlyStoppingCallback early = new EarlyStoppingCallback();

    restore(control, saved.get("TrainerControl"));
    restore(early, saved.get("EarlyStoppingCallback"));

    assertTrue(control.shouldSave());
    assertTrue(control.shouldTrainingStop());
    assertFalse(control.shouldLog());
    assertEquals(Map.of("early_stopping_patience", 3, "early_stopping_threshold", 0.001), early.stateArgs());
    assertEquals(1, early.patienceCounter());
  }

  @Test
  void severalCallbacksOfOneClassAreReadAsAListInOrder() throws IOException {
    Object saved = TrainerState.fromJson(text("hf_quirks.json")).statefulCallbacks().get("EarlyStoppingCallback");
    List<?> entries = assertInstanceOf(List.class, saved);
    EarlyStoppingCallback second = new EarlyStoppingCallback();

    restore(second, entries.get(1));

    assertEquals(2, entries.size());
    assertEquals(Map.of("early_stopping_patience", 5, "early_stopping_threshold", 1e-05), second.stateArgs());
    assertEquals(4, second.patienceCounter());
  }

  @Test
  void quirksOfHfFilesReadAsNumbersOfTheRightKind() throws IOException {
    TrainerState state = TrainerState.fromJson(text("hf_quirks.json"));

    assertEquals(1, state.loggingSteps(), "HF writes logging_steps 1.0 when it came from the command line");
    assertEquals(100, state.saveSteps());
    assertEquals(0.0, state.totalFlos());
    assertEquals(12345678901234L, state.numInputTokensSeen());
    assertEquals(Optional.empty(), state.trainBatchSize());
    assertTrue(state.bestMetric().orElseThrow().isNaN());
    assertTrue(state.isHyperParamSearch());
    assertEquals(Optional.of("essai-\u00e9t\u00e9-\ud83d\ude00"), state.trialName());
    assertEquals(Map.of("learning_rate", 3e-05, "seed", 7L, "optim", "adamw_torch", "warmup", true),
        state.trialParams());
    assertEquals("r\u00e9sum\u00e9 \u2713 \ud83d\ude00 \"quoted\"\n", state.logHistory().get(2).get("eval_note"));
  }

  @Test
  void freshSampleHasHfDefaults() throws IOException {
    TrainerState state = TrainerState.fromJson(text("hf_fresh.json"));

    assertEquals(Optional.empty(), state.epoch(), "HF v4 writes epoch null before training");
    assertEquals(500, state.loggingSteps());
    assertEquals(Optional.empty(), state.trainBatchSize());
    assertEquals(List.of(), state.logHistory());
    assertEquals(Map.of(), state.statefulCallbacks());
    assertEquals(new TrainerState().toMap(), TrainerState.fromJson("{}").toMap(), "missing keys take the defaults");
  }

  @Test
  void newStateIsWrittenAsHfV4WritesAFreshOneWithEpochNull() throws IOException {
    String hfV4 = text("hf_fresh.json");
    assertTrue(hfV4.contains("\"epoch\": null,"));

    assertEquals(hfV4, new TrainerState().toJson());
  }

  /** The same state as {@code java_recipe()} in make_hf_state.py, which checks the resource in Python. */
  @Test
  void javaWrittenStateIsWhatHfWrites() throws IOException {
    TrainerState state = new TrainerState();
    state.setEpoch(2.0);
    state.setGlobalStep(20);
    state.setMaxSteps(20);
    state.setLoggingSteps(5);
    state.setEvalSteps(10);
    state.setSaveSteps(10);
    state.setTrainBatchSize(8);
    state.setNumTrainEpochs(2);
    state.setTotalFlos(1234.5678);
    state.appendLog(row("loss", 0.6931, "grad_norm", Double.NaN, "learning_rate", 4.5e-05, "epoch", 0.5, "step", 5));
    state.appendLog(row("loss", 0.5, "grad_norm", 1.0, "learning_rate", 2.5e-05, "epoch", 1.0, "step", 10));
    state.appendLog(row("eval_loss", 0.3, "eval_accuracy", 0.1f, "eval_f1", 0.8, "eval_runtime", 0.0123,
        "eval_samples_per_second", 1234.5678, "eval_steps_per_second", 1e16, "epoch", 1.0, "step", 10));
    state.appendLog(row("train_runtime", 2.5, "train_samples_per_second", 64.0, "train_steps_per_second", 8.0,
        "total_flos", 1234.5678, "train_loss", 0.59655, "epoch", 2.0, "step", 20));
    state.setBestMetric(0.3);
    state.setBestGlobalStep(10);
    state.setBestModelCheckpoint("sortie-\u00e9t\u00e9/checkpoint-10");
    TrainerControl control = new TrainerControl();
    control.setShouldSave(true);
    control.setShouldLog(true);
    EarlyStoppingCallback early = new EarlyStoppingCallback(3, 0.0);
    early.restoreState(early.stateArgs(), Map.of("early_stopping_patience_counter", 2));
    state.setStatefulCallbacks(Map.of("EarlyStoppingCallback", hfState(early), "TrainerControl", hfState(control)));

    String javaText = state.toJson();

    String checkedByPython = TrainerStateJsonTest.class.getResource("/state/java_written.json") == null
        ? "" : text("java_written.json");
    if (!javaText.equals(checkedByPython)) {
      Path out = Path.of("target", "java_written.json");
      Files.createDirectories(out.getParent());
      Files.writeString(out, javaText);
      assertEquals(checkedByPython, javaText, "TrainerState.toJson() changed: review " + out.toAbsolutePath()
          + ", copy it to src/test/resources/state/java_written.json and run src/test/python/make_hf_state.py");
    }
  }

  @Test
  void controlIsExportedAsHfExportsIt() {
    TrainerControl control = new TrainerControl();
    control.setShouldEpochStop(true);
    control.setShouldEvaluate(true);
    TrainerState state = new TrainerState();

    state.setStatefulCallbacks(Map.of("TrainerControl", hfState(control)));

    String expected = """
          "stateful_callbacks": {
            "TrainerControl": {
              "args": {
                "should_epoch_stop": true,
                "should_evaluate": true,
                "should_log": false,
                "should_save": false,
                "should_training_stop": false
              },
              "attributes": {}
            }
          },
        """;
    assertTrue(state.toJson().contains(expected), state.toJson());
    assertEquals(List.of("should_training_stop", "should_epoch_stop", "should_save", "should_evaluate",
        "should_log"), List.copyOf(control.stateArgs().keySet()), "HF's field order");
  }

  @Test
  void controlRestoresItsFlagsFromItsJsonExport() {
    TrainerControl saved = new TrainerControl();
    saved.setShouldTrainingStop(true);
    saved.setShouldLog(true);
    TrainerState state = new TrainerState();
    state.setStatefulCallbacks(Map.of("TrainerControl", hfState(saved)));
    TrainerControl restored = new TrainerControl();
    restored.setShouldSave(true);

    restore(restored, TrainerState.fromJson(state.toJson()).statefulCallbacks().get("TrainerControl"));

    assertEquals(saved.stateArgs(), restored.stateArgs());
  }

  @Test
  void keysOfNewerHfVersionsAreKeptAndWrittenBack() throws IOException {
    String text = text("hf_fresh.json").replace("\"eval_steps\": 500,", "\"eval_steps\": 500,\n  \"future_field\": [\n    1\n  ],");
    assertTrue(text.contains("future_field"));

    assertEquals(text, TrainerState.fromJson(text).toJson());
  }

  @Test
  void valuesOfTheWrongTypeAreRejectedNamingTheKey() {
    assertMessage("global_step must be a whole number, got ten", "{\"global_step\": \"ten\"}");
    assertMessage("global_step must be a whole number, got 1.5", "{\"global_step\": 1.5}");
    assertMessage("max_steps must be a whole number, got null", "{\"max_steps\": null}");
    assertMessage("total_flos must be a number, got []", "{\"total_flos\": []}");
    assertMessage("is_world_process_zero must be true or false, got yes", "{\"is_world_process_zero\": \"yes\"}");
    assertMessage("log_history must be a list of JSON objects, got {}", "{\"log_history\": {}}");
    assertMessage("log_history entries must be JSON objects, got 3", "{\"log_history\": [3]}");
    assertMessage("trial_name must be a string or null, got 3", "{\"trial_name\": 3}");
    assertMessage("stateful_callbacks must be a JSON object or null, got []", "{\"stateful_callbacks\": []}");
    assertMessage("a trainer state must be a JSON object", "[]");
  }

  @Test
  void loadErrorsNameTheFile() throws IOException {
    Path file = dir.resolve("trainer_state.json");
    Files.writeString(file, "{\"epoch\": \"one\"}");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainerState.loadFromJson(file));
    assertEquals(file + ": epoch must be a number, got one", e.getMessage());
    IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
        () -> TrainerState.fromJson("{\"epoch\": "));
    assertTrue(notJson.getMessage().startsWith("invalid JSON"), notJson.getMessage());
    assertThrows(UncheckedIOException.class, () -> TrainerState.loadFromJson(dir.resolve("missing.json")));
  }

  @Test
  void exposedCollectionsAreReadOnly() {
    TrainerState state = new TrainerState();
    state.appendLog(Map.of("loss", 1.0, "step", 1));
    assertThrows(UnsupportedOperationException.class, () -> state.logHistory().clear());
    assertThrows(UnsupportedOperationException.class, () -> state.logHistory().get(0).put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> state.toMap().put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> state.statefulCallbacks().clear());
  }

  private static void assertMessage(String expected, String json) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainerState.fromJson(json));
    assertEquals(expected, e.getMessage());
  }

  private static Map<String, Object> row(Object... keyValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      row.put((String) keyValues[i], keyValues[i + 1]);
    }
    return row;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TrainerStateJsonTest.class.getResourceAsStream("/state/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource state/" + name + " (see make_hf_state.py)");
      }
      return in.readAllBytes();
    }
  }

  private static String text(String name) throws IOException {
    return new String(resource(name), StandardCharsets.UTF_8);
  }

  /** HF's {@code ExportableState.state()}: {@code {"args": {...}, "attributes": {...}}}. */
  private static Map<String, Object> hfState(ExportableState callback) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("args", callback.stateArgs());
    state.put("attributes", callback.stateAttributes());
    return state;
  }

  @SuppressWarnings("unchecked")
  private static void restore(ExportableState callback, Object savedEntry) {
    Map<String, Object> entry = assertInstanceOf(Map.class, savedEntry);
    callback.restoreState((Map<String, Object>) entry.get("args"), (Map<String, Object>) entry.get("attributes"));
  }
}
