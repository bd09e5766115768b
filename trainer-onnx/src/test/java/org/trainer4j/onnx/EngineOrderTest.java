package org.trainer4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime and DJL's PyTorch engine in one JVM, started in either order; each order runs in a JVM
 * of its own, since both load native libraries once per process.
 */
class EngineOrderTest {
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void exportModel() {
    model = exportMlp(dir);
  }

  /** An (untrained) MLP for {@link Blobs} data, exported into {@code dir}. */
  static Path exportMlp(Path dir) {
    Path file = dir.resolve("mlp.onnx");
    try (Model mlp = Blobs.mlp()) {
      mlp.getBlock().initialize(mlp.getNDManager(), DataType.FLOAT32, new Shape(1, 16));
      OnnxExporter.create().export(mlp, file);
    }
    return file;
  }

  /** Runs {@link EngineOrderChild} in a new JVM; returns its exit code and output. */
  static ChildRun run(String order, Path onnxFile) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), EngineOrderChild.class.getName(), order, onnxFile.toString())
        .redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the child JVM finished");
    return new ChildRun(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  record ChildRun(int exitCode, String output) {
    List<String> resultLines() {
      return output.lines().filter(l -> l.startsWith("OK") || l.startsWith("FAILED")).toList();
    }
  }

  @Test
  void pyTorchFirstThenOnnxRuntime() throws Exception {
    ChildRun run = run("pytorch-first", model);
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.resultLines().get(0).startsWith("OK engine PyTorch eval_loss "), run.output());
  }

  @Test
  void onnxRuntimeFirstThenPyTorch() throws Exception {
    ChildRun run = run("onnx-runtime-first", model);
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.resultLines().get(0).startsWith("OK engine PyTorch eval_loss "), run.output());
  }
}
