package org.trainer4j.core.optim;

/**
 * A learning-rate schedule, as PyTorch's {@code LRScheduler}: {@link #lastLr()} is the rate the next
 * optimizer step uses, and {@link #step()} advances it after each optimizer step.
 */
public interface LrScheduler {
  /** The HF name of the schedule, e.g. {@code linear}. */
  String name();

  /** The learning rate for the current optimizer step (PyTorch's {@code get_last_lr()[0]}). */
  double lastLr();

  /** Advances by one optimizer step. */
  void step();

  /** The schedule's state for a checkpoint, as JSON values. */
  java.util.Map<String, Object> state();

  /** Restores a state saved by {@link #state()}. */
  void loadState(java.util.Map<String, Object> state);
}
