package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.tensorboard.proto.Event;
import org.trainer4j.tensorboard.proto.Summary;

/**
 * The digits MLP trained with DJL, exported to ONNX and evaluated with ONNX Runtime through {@code
 * trainer.evaluate()} gives DJL's accuracy and logits, and its eval/ metrics reach TensorBoard.
 */
class EvaluateOnnxTest {
  @TempDir Path dir;

  private EvaluateOnnx.Result run(String... extra) {
    List<String> argv = new ArrayList<>(List.of("--output_dir", dir.toString(), "--num_train_epochs", "6",
        "--disable_tqdm", "true"));
    argv.addAll(List.of(extra));
    return EvaluateOnnx.run(EvaluateOnnx.options().parse(argv.toArray(String[]::new)));
  }

  @Test
  void theExportedDigitsMlpScoresAsDjlDoesInOnnxRuntime() throws Exception {
    EvaluateOnnx.Result result = run("--report_to", "none");
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

    // The file alone, as a user evaluates a model exported elsewhere, logged to TensorBoard.
    Path copy = Files.copy(result.model(), dir.resolve("copy.onnx"));
    Path logs = dir.resolve("tensorboard");
    EvaluateOnnx.Result again = run("--model", copy.toString(), "--report_to", "tensorboard",
        "--logging_dir", logs.toString());
    assertEquals(copy, again.model());
    assertTrue(again.trained().isEmpty());
    assertEquals(result.evalMetrics().get("eval_accuracy"), again.evalMetrics().get("eval_accuracy"));
    assertEquals(result.evalMetrics().get("eval_loss"), again.evalMetrics().get("eval_loss"));

    assertTrue(again.locations().get("TensorBoard logs").startsWith(logs.toString()), again.locations().toString());
    Map<String, Float> scalars = tensorBoardScalars(logs);
    assertEquals((float) accuracy, scalars.get("eval/accuracy"));
    assertEquals((float) (double) again.evalMetrics().get("eval_loss"), scalars.get("eval/loss"));
    assertTrue(scalars.containsKey("eval/f1"), scalars.toString());
  }

  @Test
  void aMissingModelFileIsNamed() {
    Path missing = dir.resolve("missing.onnx");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> run("--model", missing.toString(), "--report_to", "none"));
    assertEquals("ONNX model file " + missing + " does not exist", e.getMessage());
  }

  /** Every scalar in the TensorBoard event files of {@code logDir}, by tag (the last value wins). */
  private static Map<String, Float> tensorBoardScalars(Path logDir) throws IOException {
    Map<String, Float> scalars = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(logDir)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
    }
    assertEquals(1, files.size(), "one event file in " + logDir);
    for (byte[] record : tfRecords(files.get(0))) {
      Event event = Event.parseFrom(record);
      for (Summary.Value value : event.getSummary().getValueList()) {
        if (value.hasTensor() && value.getTensor().getFloatValCount() == 1) {
          scalars.put(value.getTag(), value.getTensor().getFloatVal(0));
        }
      }
    }
    return scalars;
  }

  /** The records of a TFRecord file: 8-byte length, 4-byte length CRC, data, 4-byte data CRC. */
  private static List<byte[]> tfRecords(Path file) throws IOException {
    List<byte[]> records = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
      byte[] header = new byte[12];
      while (true) {
        try {
          data.readFully(header);
        } catch (EOFException end) {
          return records;
        }
        long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] record = new byte[Math.toIntExact(length)];
        data.readFully(record);
        data.readFully(new byte[4]);
        records.add(record);
      }
    }
  }
}
