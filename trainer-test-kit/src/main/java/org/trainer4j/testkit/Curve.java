package org.trainer4j.testkit;

/**
 * A synthetic value as a function of the optimizer step, standing in for what a model would produce:
 * the training loss, the gradient norm, the evaluation loss. The step is the {@code global_step} the
 * value belongs to (1 for the first optimizer step; the current step for an evaluation).
 */
@FunctionalInterface
public interface Curve {
  /** The value at this {@code global_step}. */
  double at(int globalStep);

  /** The same value at every step. */
  static Curve constant(double value) {
    return step -> value;
  }

  /**
   * A value that starts at {@code start} and halves its distance to {@code floor} every {@code
   * halfLifeSteps} steps: the shape of a typical loss curve.
   *
   * @throws IllegalArgumentException when {@code halfLifeSteps} is not positive
   */
  static Curve decaying(double start, double floor, double halfLifeSteps) {
    if (!(halfLifeSteps > 0)) {
      throw new IllegalArgumentException("halfLifeSteps=" + halfLifeSteps + " is not allowed; use a positive number");
    }
    return step -> floor + (start - floor) * Math.pow(0.5, step / halfLifeSteps);
  }
}
