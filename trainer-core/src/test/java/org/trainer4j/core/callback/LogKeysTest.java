package org.trainer4j.core.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HF's {@code rewrite_logs}: the key names every integration charts. */
class LogKeysTest {

  @Test
  void trainingRowGoesUnderTrain() {
    Map<String, Object> logs = row("loss", 0.6931, "grad_norm", 1.2, "learning_rate", 4.9e-05, "epoch", 0.5);

    assertEquals(row("train/loss", 0.6931, "train/grad_norm", 1.2, "train/learning_rate", 4.9e-05,
        "train/epoch", 0.5), LogKeys.rewriteLogs(logs));
  }

  @Test
  void evalAndTestPrefixesBecomeSectionsAndEpochStaysInTrain() {
    Map<String, Object> logs = row("eval_loss", 0.45, "eval_f1", 0.8, "epoch", 1.0, "test_accuracy", 0.9,
        "eval_runtime", 3.2);

    Map<String, Object> rewritten = LogKeys.rewriteLogs(logs);

    assertEquals(row("eval/loss", 0.45, "eval/f1", 0.8, "train/epoch", 1.0, "test/accuracy", 0.9,
        "eval/runtime", 3.2), rewritten);
    assertEquals(List.of("eval/loss", "eval/f1", "train/epoch", "test/accuracy", "eval/runtime"),
        List.copyOf(rewritten.keySet()), "order is kept");
  }

  @Test
  void onlyThePrefixWithItsUnderscoreCounts() {
    assertEquals("train/eval", LogKeys.rewrite("eval"));
    assertEquals("train/test", LogKeys.rewrite("test"));
    assertEquals("train/evaluation_loss", LogKeys.rewrite("evaluation_loss"));
    assertEquals("train/testing_f1", LogKeys.rewrite("testing_f1"));
    assertEquals("train/Eval_loss", LogKeys.rewrite("Eval_loss"), "case matters, as in HF");
    assertEquals("eval/", LogKeys.rewrite("eval_"));
    assertEquals("eval/eval_loss", LogKeys.rewrite("eval_eval_loss"), "only the first prefix is taken off");
    assertEquals("train/train_loss", LogKeys.rewrite("train_loss"));
    assertEquals("train/total_flos", LogKeys.rewrite("total_flos"));
    assertEquals("train/my/metric", LogKeys.rewrite("my/metric"));
  }

  @Test
  void valuesAreKeptAsTheyAreAndTheInputIsNotChanged() {
    Map<String, Object> logs = row("eval_note", "text", "eval_loss", Double.NaN, "step", 3);
    Map<String, Object> before = new LinkedHashMap<>(logs);

    Map<String, Object> rewritten = LogKeys.rewriteLogs(logs);

    assertEquals(row("eval/note", "text", "eval/loss", Double.NaN, "train/step", 3), rewritten);
    assertEquals(before, logs);
    assertNotSame(logs, rewritten);
    assertEquals(Map.of(), LogKeys.rewriteLogs(Map.of()));
  }

  private static Map<String, Object> row(Object... keyValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      row.put((String) keyValues[i], keyValues[i + 1]);
    }
    return row;
  }
}
