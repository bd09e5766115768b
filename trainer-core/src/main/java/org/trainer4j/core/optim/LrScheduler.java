package org.trainer4j.core.optim;

import java.util.Map;

/**
 * A learning-rate schedule, as PyTorch's {@code LRScheduler}: {@link #lastLr()} is the rate the next
 * optimizer step uses.
 *
 * <p>The training loop calls, for every schedule alike:
 *
 * <ul>
 *   <li>{@link #step()} after each optimizer step (HF: {@code lr_scheduler.step()}); {@code
 *       reduce_lr_on_plateau} ignores it;
 *   <li>{@link #onEvaluate(Map)} after each evaluation during training, with the evaluation's metrics
 *       (HF steps a {@code ReduceLROnPlateau} there with {@code metrics["eval_" +
 *       metric_for_best_model]}); the other schedules ignore it.
 * </ul>
 */
public interface LrScheduler {
  /** The HF name of the schedule, e.g. {@code linear}. */
  String name();

  /** The learning rate for the next optimizer step (PyTorch's {@code get_last_lr()[0]}). */
  double lastLr();

  /** Advances by one optimizer step. */
  void step();

  /**
   * Receives the metrics of an evaluation (HF names, e.g. {@code eval_loss}). Only {@code
   * reduce_lr_on_plateau} uses them; it fails with an {@link IllegalArgumentException} that lists the
   * metric names produced when its metric is not among them.
   */
  default void onEvaluate(Map<String, ?> metrics) {}

  /** The schedule's position as JSON-ready scalars (for {@code scheduler.json} in a checkpoint). */
  Map<String, Object> state();

  /**
   * Restores a position saved by {@link #state()}. Nothing changes when it fails.
   *
   * @throws IllegalArgumentException when the state belongs to another schedule or is malformed
   */
  void loadState(Map<String, ?> state);
}
