package org.trainer4j.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The mean squared error, safe from the garbage collector (see {@link Scalars}): {@code new MeanSquaredErrorLoss()}
 * is PyTorch's {@code MSELoss}, what HF uses for regression ({@code num_labels == 1}); {@link #halved()} gives the
 * numbers of DJL's {@code L2Loss} (half the mean squared error). DJL's {@code L2Loss} multiplies by its ½ with a Java
 * number inside the autograd graph, so a garbage collection before the backward pass can make its gradients garbage;
 * use {@code halved()} in its place.
 */
public final class MeanSquaredErrorLoss extends Loss {
  private final double factor;

  /** PyTorch's {@code MSELoss}: {@code mean((label - prediction)^2)}. */
  public MeanSquaredErrorLoss() {
    this("MSELoss", 1);
  }

  private MeanSquaredErrorLoss(String name, double factor) {
    super(name);
    this.factor = factor;
  }

  /** DJL's {@code L2Loss} numbers: {@code mean((label - prediction)^2) / 2}. */
  public static MeanSquaredErrorLoss halved() {
    return new MeanSquaredErrorLoss("L2Loss", 0.5);
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray prediction = predictions.singletonOrThrow();
    NDArray squared = labels.singletonOrThrow().reshape(prediction.getShape()).sub(prediction).square();
    return (factor == 1 ? squared : Scalars.times(squared, factor)).mean();
  }
}
