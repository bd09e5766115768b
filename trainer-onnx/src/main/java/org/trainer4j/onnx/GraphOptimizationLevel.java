package org.trainer4j.onnx;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/** How much ONNX Runtime rewrites the graph when it loads it (its {@code GraphOptimizationLevel}). */
public enum GraphOptimizationLevel {
  /** No rewriting: the graph runs node by node as written. */
  DISABLED(OptLevel.NO_OPT),
  /** Rewrites that keep the graph's semantics exactly, such as constant folding and removing redundant nodes. */
  BASIC(OptLevel.BASIC_OPT),
  /** BASIC plus fused kernels (e.g. GELU or LayerNorm fusion). */
  EXTENDED(OptLevel.EXTENDED_OPT),
  /** Everything ONNX Runtime has, including layout changes (its default). */
  ALL(OptLevel.ALL_OPT);

  private final OptLevel ortLevel;

  GraphOptimizationLevel(OptLevel ortLevel) {
    this.ortLevel = ortLevel;
  }

  OptLevel ortLevel() {
    return ortLevel;
  }
}
