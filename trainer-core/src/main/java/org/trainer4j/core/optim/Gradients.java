package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Operations on the gradients of all trainable parameters at once. */
public final class Gradients {
  private Gradients() {}

  /**
   * PyTorch's {@code torch.nn.utils.clip_grad_norm_}, which HF's Trainer applies when {@code
   * max_grad_norm > 0}: computes the L2 norm of all gradients together (as one vector, in float32 like
   * PyTorch) and, when it exceeds {@code maxNorm}, scales every gradient in place by {@code maxNorm /
   * (norm + 1e-6)}.
   *
   * <p>A non-finite norm is not an error (PyTorch's {@code error_if_nonfinite=False}): the gradients
   * are scaled by the resulting factor all the same, NaN for a NaN norm (every gradient becomes NaN)
   * and 0 for an infinite one.
   *
   * @param parameters whose gradients are clipped ({@code array().getGradient()})
   * @param maxNorm the largest norm allowed
   * @return the norm before clipping (HF logs it as {@code grad_norm}); 0 without parameters
   * @throws IllegalArgumentException if {@code maxNorm} is not a positive number
   */
  public static double clipByGlobalNorm(List<NamedParameter> parameters, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("max_grad_norm=" + maxNorm + " is not allowed for clipping; use a"
          + " positive number (0 turns clipping off in the Trainer)");
    }
    if (parameters.isEmpty()) {
      return 0.0;
    }
    float total = totalNorm(parameters);
    // PyTorch: clip_coef = max_norm / (total_norm + 1e-6) on a float32 tensor, where a number divided
    // by a tensor is the tensor's reciprocal times the number; then clamped to at most 1.
    float coefficient = (1.0f / (total + 1e-6f)) * (float) maxNorm;
    if (!(coefficient >= 1.0f)) {
      for (NamedParameter p : parameters) {
        try (NDArray gradient = p.array().getGradient()) {
          gradient.muli(coefficient);
        }
      }
    }
    return total;
  }

  /** The norm of the per-gradient norms, as {@code clip_grad_norm_} computes it. */
  private static float totalNorm(List<NamedParameter> parameters) {
    NDList norms = new NDList(parameters.size());
    try {
      for (NamedParameter p : parameters) {
        try (NDArray gradient = p.array().getGradient()) {
          norms.add(gradient.norm());
        }
      }
      try (NDArray stacked = NDArrays.stack(norms); NDArray total = stacked.norm()) {
        return total.getFloat();
      }
    } finally {
      norms.close();
    }
  }

  /**
   * Sets every gradient to zero, ready for the next accumulation window: a fill, so that NaN and
   * infinite gradients of a bad step are cleared too (multiplying by 0 would keep them NaN).
   */
  public static void zero(List<NamedParameter> parameters) {
    for (NamedParameter p : parameters) {
      // A scalar array of our own: DJL's set(index, Number) leaves its scalar in the model's manager.
      try (NDArray g = p.array().getGradient(); NDArray zero = g.getManager().zeros(new Shape(), g.getDataType())) {
        g.set(new NDIndex("..."), zero);
      }
    }
  }
}
