package org.trainer4j.onnx;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide ONNX Runtime environment, obtained in the order that lets DJL's engines live beside
 * it: when DJL's own ONNX Runtime engine ({@code ai.djl.onnxruntime:onnxruntime-engine}) is on the class
 * path it is started first, because it creates the environment with its own thread pools and throws if
 * one already exists. DJL's PyTorch engine works with either order.
 */
final class OrtRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);
  static final String DJL_ORT_ENGINE = "OnnxRuntime";

  private static OrtEnvironment environment;

  private OrtRuntime() {}

  /** The shared environment; never closed (ONNX Runtime allows one per process). */
  static synchronized OrtEnvironment environment() {
    if (environment == null) {
      if (Engine.hasEngine(DJL_ORT_ENGINE)) {
        LOG.debug("starting DJL's {} engine before ONNX Runtime's environment", DJL_ORT_ENGINE);
        Engine.getEngine(DJL_ORT_ENGINE);
      }
      environment = OrtEnvironment.getEnvironment();
    }
    return environment;
  }
}
