package org.trainer4j.core.optim;

/**
 * Updates the trainable parameters from their gradients, following one of PyTorch's update formulas.
 * Created by {@link Optimizers#create} for the parameters of a model; the Trainer calls {@link
 * #step(double)} once per optimizer step, after gradients were accumulated and clipped.
 */
public interface Optimizer extends AutoCloseable {
  /** The HF name of this optimizer, e.g. {@code adamw_torch}. */
  String name();

  /** Applies one update to every parameter, at this learning rate. */
  void step(double learningRate);

  /** Number of {@link #step(double)} calls so far (including those restored from a checkpoint). */
  long stepCount();

  /** The whole state (moments, step counts) for a checkpoint. */
  OptimizerState state();

  /**
   * Restores a state saved by {@link #state()}.
   *
   * @throws IllegalArgumentException when names or shapes do not match this optimizer's parameters
   */
  void loadState(OptimizerState state);

  /** Frees the optimizer's state arrays. */
  @Override
  void close();
}
