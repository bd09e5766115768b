package org.trainer4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With DJL's own ONNX Runtime engine also on the class path (surefire execution
 * {@code beside-djl-onnxruntime-engine} adds it): DJL's engine must create ONNX Runtime's environment,
 * so {@link OnnxModel} starts it first, and both work in one JVM.
 */
class DjlOnnxRuntimeEngineOrderTest {
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void exportModel() {
    assertTrue(Engine.hasEngine(OrtRuntime.DJL_ORT_ENGINE), "DJL's onnxruntime-engine is"
        + " not on the class path; this test runs in surefire execution beside-djl-onnxruntime-engine, which adds it");
    model = EngineOrderTest.exportMlp(dir);
  }

  @Test
  void anOnnxModelCreatedFirstLeavesDjlsEngineWorking() throws Exception {
    EngineOrderTest.ChildRun run = EngineOrderTest.run("djl-onnx-runtime-engine-after-onnx-model", model);
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("DJL OnnxRuntime engine "), run.output());
    assertTrue(run.resultLines().get(0).startsWith("OK engine PyTorch eval_loss "), run.output());
  }

  /** Why OnnxModel orders things: a bare OrtEnvironment created first breaks DJL's engine for the JVM. */
  @Test
  void aBareOrtEnvironmentCreatedFirstBreaksDjlsEngine() throws Exception {
    EngineOrderTest.ChildRun run = EngineOrderTest.run("djl-onnx-runtime-engine-after-bare-environment",
        model);
    assertEquals(3, run.exitCode(), run.output());
    assertTrue(run.resultLines().get(0).contains(
        "Tried to specify the thread pool when creating an OrtEnvironment, but one already exists"), run.output());
  }
}
