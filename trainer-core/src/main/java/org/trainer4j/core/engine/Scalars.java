package org.trainer4j.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a Java number on arrays that take gradients, safe for the backward pass. Use it in losses, blocks
 * and {@link ComputeLoss} code instead of DJL's {@code x.mul(0.5f)} or {@code x.div(n)}.
 *
 * <p>Why: DJL turns the number into an array on a direct buffer that only that array's Java object keeps alive, and
 * closes the array at once. PyTorch's autograd keeps the number's tensor for the backward pass, so once the garbage
 * collector frees the buffer, the backward reads freed memory: gradients that are a little wrong or NaN, now and then,
 * more often the busier the collector. Here the number is an array PyTorch allocates itself ({@code full}), which the
 * graph keeps alive as long as it needs it. Arithmetic outside autograd (optimizer updates) is not affected.
 */
public final class Scalars {
  private Scalars() {}

  /** {@code x * factor}, the factor in {@code x}'s data type. */
  public static NDArray times(NDArray x, double factor) {
    return x.mul(scalarLike(x, factor));
  }

  /** {@code x / divisor}, the divisor in {@code x}'s data type. */
  public static NDArray dividedBy(NDArray x, double divisor) {
    return x.div(scalarLike(x, divisor));
  }

  private static NDArray scalarLike(NDArray x, double value) {
    return x.getManager().full(new Shape(), (float) value, x.getDataType());
  }
}
