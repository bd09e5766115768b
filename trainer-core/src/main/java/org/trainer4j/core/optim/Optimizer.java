package org.trainer4j.core.optim;

import java.util.List;

/**
 * Updates the trainable parameters from their gradients, following one of PyTorch's update formulas.
 * Created by {@link Optimizers#create} for the parameters of a model; the Trainer calls {@link
 * #step(double)} once per optimizer step, after gradients were accumulated and clipped.
 *
 * <p>An optimizer keeps its state (moments, accumulators, momentum buffers) in native arrays next to
 * the parameters; {@link #state()} copies it to the heap for a checkpoint and {@link
 * #loadState(OptimizerState)} puts it back, so that a resumed run continues bit for bit.
 */
public interface Optimizer extends AutoCloseable {
  /** The HF name of this optimizer, e.g. {@code adamw_torch}. */
  String name();

  /**
   * Applies one update to every parameter, at this learning rate, from the gradient each parameter
   * holds ({@code array().getGradient()}). Costs a few element-wise native operations per parameter.
   *
   * @throws IllegalArgumentException if the learning rate is negative or not finite
   */
  void step(double learningRate);

  /** Number of {@link #step(double)} calls so far (including those restored from a checkpoint). */
  long stepCount();

  /** The parameters this optimizer updates, in order. */
  List<NamedParameter> parameters();

  /** A heap copy of the whole state; copies every state array out of native memory. */
  OptimizerState state();

  /**
   * Replaces the state with a saved one. Nothing changes when it fails.
   *
   * @throws IllegalArgumentException when the state comes from another optimizer, or its arrays do not
   *     match this optimizer's parameters (names or shapes)
   */
  void loadState(OptimizerState state);

  /** Frees the optimizer's state arrays. */
  @Override
  void close();
}
