package org.trainer4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gradients the optimizer tests put in place must stay put. DJL's {@code NDArray.set(float[])} (and
 * {@code set(Buffer)}) makes the tensor use a Java direct buffer that only the wrapper it was called on
 * keeps alive: on a temporary {@code getGradient()} wrapper the memory is freed by the garbage collector
 * while the gradient still points at it, and a resumed-optimizer test then read whatever came next there
 * (it failed once in ~20 full builds, by 1e-3, not in the last bits). Core copies into engine arrays
 * with indexed copies only.
 */
class ReferenceGradientTest {
  @Test
  void aGradientSetByTheTestsSurvivesGarbageCollection() {
    float[] values = new float[4096];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.25f;
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray parameter = Reference.parameter(manager, new float[values.length], new Shape(values.length));
      Reference.setGradient(parameter, values);
      reuseFreedDirectMemory(values.length * Float.BYTES);
      assertArrayEquals(values, Reference.gradient(parameter));
    }
  }

  /** Lets the collector free unreachable direct buffers, then fills fresh ones of the same size. */
  private static void reuseFreedDirectMemory(int bytes) {
    List<ByteBuffer> junk = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      System.gc();
      for (int i = 0; i < 64; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes);
        while (b.hasRemaining()) {
          b.put((byte) 0x7f);
        }
        junk.add(b);
      }
    }
  }
}
