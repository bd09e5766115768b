package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digits MLP trained with DJL, exported to ONNX and evaluated with ONNX Runtime through {@code
 * trainer.evaluate()} gives DJL's accuracy and logits.
 */
class EvaluateOnnxTest {
  @TempDir Path dir;

  private EvaluateOnnx.Result run(String... extra) {
    List<String> argv = new java.util.ArrayList<>(List.of("--output_dir", dir.toString(), "--num_train_epochs", "6",
        "--report_to", "none", "--disable_tqdm", "true"));
    argv.addAll(List.of(extra));
    return EvaluateOnnx.run(EvaluateOnnx.options().parse(argv.toArray(String[]::new)));
  }

  @Test
  void theExportedDigitsMlpScoresAsDjlDoesInOnnxRuntime() throws Exception {
    EvaluateOnnx.Result result = run();
    assertEquals(dir.resolve("digits.onnx"), result.model());
    assertTrue(Files.isRegularFile(result.model()));
    EvaluateOnnx.Trained trained = result.trained().orElseThrow();
    assertEquals(List.of("01Linear: Linear", "02LambdaBlock: ReLU", "03Dropout: Dropout", "04Linear: Linear"),
        trained.export().layers());
    double accuracy = (double) result.evalMetrics().get("eval_accuracy");
    assertTrue(accuracy > 0.9, "the MLP learned the digits: " + result.evalMetrics());
    assertEquals(trained.djlTestMetrics().get("test_accuracy"), accuracy);
    assertEquals(trained.djlTestMetrics().get("test_f1"), result.evalMetrics().get("eval_f1"));
    assertEquals((double) trained.djlTestMetrics().get("test_loss"), (double) result.evalMetrics().get("eval_loss"), 1e-5);
    assertTrue(trained.maxLogitDifference() <= 1e-5, "logits differ by " + trained.maxLogitDifference());

    // the file alone, as a user would evaluate a model exported elsewhere
    Path copy = Files.copy(result.model(), dir.resolve("copy.onnx"));
    EvaluateOnnx.Result again = run("--model", copy.toString());
    assertEquals(copy, again.model());
    assertTrue(again.trained().isEmpty());
    assertEquals(result.evalMetrics().get("eval_accuracy"), again.evalMetrics().get("eval_accuracy"));
    assertEquals(result.evalMetrics().get("eval_loss"), again.evalMetrics().get("eval_loss"));
  }

  @Test
  void aMissingModelFileIsNamed() {
    Path missing = dir.resolve("missing.onnx");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("--model", missing.toString()));
    assertEquals("ONNX model file " + missing + " does not exist", e.getMessage());
  }
}
