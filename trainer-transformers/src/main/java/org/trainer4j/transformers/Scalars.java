package org.trainer4j.transformers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a Java number on arrays that take gradients, safe for the backward pass. DJL's {@code x.mul(0.5f)}
 * makes the number an array on a direct buffer that only that array's Java object keeps alive, and closes it at once;
 * PyTorch's autograd keeps the array for the backward pass, so once the garbage collector frees the buffer the
 * backward reads freed memory (losses that drift, then NaN, more often the busier the collector). Here the number is
 * an array that PyTorch allocates itself ({@code full}), which the graph keeps alive as long as it needs it.
 */
public final class Scalars {
  private Scalars() {}

  /** {@code x * factor}, the factor in {@code x}'s data type. */
  public static NDArray times(NDArray x, float factor) {
    return x.mul(x.getManager().full(new Shape(), factor, x.getDataType()));
  }
}
