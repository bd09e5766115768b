package org.trainer4j.core.internal;

import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/**
 * Whether a checkpoint is the end of a run that had already stopped. Its {@code TrainerControl} (saved
 * in {@code stateful_callbacks} whatever {@code restore_callback_states_from_checkpoint} says) tells:
 * {@code should_training_stop} is on in every save made after the run decided to stop.
 */
final class ResumePoint {
  private ResumePoint() {}

  /**
   * Why the run that wrote {@code saved} had stopped, or empty when a resume trains on. A run stopped by
   * its own {@code max_steps} trains on when this run has more steps; one stopped before (early stopping,
   * a callback) stays stopped.
   *
   * @param saved the state read from the checkpoint, before this run's plan is applied to it
   */
  static Optional<String> stopReason(TrainerState saved, StepPlan plan) {
    int step = saved.globalStep();
    if (step >= plan.maxSteps()) {
      return Optional.of("step " + step + " reached max_steps=" + plan.maxSteps());
    }
    if (!savedStopFlag(saved)) {
      return Optional.empty();
    }
    if (step >= saved.maxSteps()) {
      return Optional.empty(); // it ended at its own max_steps; this run goes further
    }
    return Optional.of("should_training_stop was set at step " + step + " of " + saved.maxSteps()
        + ", by early stopping or a callback");
  }

  private static boolean savedStopFlag(TrainerState saved) {
    return saved.statefulCallbacks().get("TrainerControl") instanceof Map<?, ?> control
        && control.get("args") instanceof Map<?, ?> flags
        && Boolean.TRUE.equals(flags.get("should_training_stop"));
  }
}
