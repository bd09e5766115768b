package org.trainer4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/** Operations on the gradients of all trainable parameters at once. */
public final class Gradients {
  private Gradients() {}

  /**
   * Scales all gradients so that their global L2 norm is at most {@code maxNorm}, as {@code
   * torch.nn.utils.clip_grad_norm_}; returns the norm before clipping (HF logs it as {@code grad_norm}).
   */
  public static double clipByGlobalNorm(List<NamedParameter> parameters, double maxNorm) {
    double sumOfSquares = 0;
    for (NamedParameter p : parameters) {
      try (NDArray g = p.array().getGradient(); NDArray squares = g.square().sum()) {
        sumOfSquares += squares.toType(DataType.FLOAT64, false).getDouble();
      }
    }
    double norm = Math.sqrt(sumOfSquares);
    double coefficient = maxNorm / (norm + 1e-6);
    if (coefficient < 1) {
      for (NamedParameter p : parameters) {
        try (NDArray g = p.array().getGradient()) {
          g.muli(coefficient);
        }
      }
    }
    return norm;
  }

  /** Sets every gradient to zero, ready for the next accumulation window. */
  public static void zero(List<NamedParameter> parameters) {
    for (NamedParameter p : parameters) {
      try (NDArray g = p.array().getGradient()) {
        g.muli(0);
      }
    }
  }
}
