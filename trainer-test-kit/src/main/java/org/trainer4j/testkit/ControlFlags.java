package org.trainer4j.testkit;

import org.trainer4j.core.state.TrainerControl;

/** The {@link TrainerControl} flags at one moment, as a value. */
public record ControlFlags(boolean shouldTrainingStop, boolean shouldEpochStop, boolean shouldSave,
    boolean shouldEvaluate, boolean shouldLog) {

  /** A snapshot of these flags. */
  public static ControlFlags of(TrainerControl control) {
    return new ControlFlags(control.shouldTrainingStop(), control.shouldEpochStop(), control.shouldSave(),
        control.shouldEvaluate(), control.shouldLog());
  }
}
