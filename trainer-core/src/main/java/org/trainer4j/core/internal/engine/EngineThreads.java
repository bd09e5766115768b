package org.trainer4j.core.internal.engine;

import ai.djl.engine.Engine;
import java.util.Optional;

/**
 * The number of threads the engine splits one operation over, where it can be read (PyTorch's intra-op
 * threads). It matters for exact resumes: PyTorch sums a large array in one chunk per thread, so the
 * same sum over 1, 2 or 4 threads can differ in the last bits (measured in docs/TRAINER.md).
 */
public final class EngineThreads {
  private EngineThreads() {}

  /** PyTorch's {@code torch.get_num_threads()}; empty for other engines or when it cannot be read. */
  public static Optional<Integer> intraOp() {
    try {
      if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
        return Optional.empty();
      }
      // Read through reflection: core compiles against DJL's API only, not against an engine.
      Object threads = Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("getNumThreads").invoke(null);
      return threads instanceof Integer n ? Optional.of(n) : Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return Optional.empty();
    }
  }
}
