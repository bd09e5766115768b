package org.trainer4j.benchmarks.harness;

import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;

/**
 * Runs the hand-written loop in slices between the Trainer's steps: after every {@code every} Trainer
 * steps, {@code every} steps of the plain loop, timed apart. Both loops then see the same machine,
 * slice by slice, so load from other programs falls on both alike instead of on whichever ran during a
 * busy second. The Trainer's time is the whole run's minus the plain slices. The noise floor drives two
 * of these by hand, one slice each in turn ({@link #slice()}).
 */
final class Interleaving implements TrainerCallback {
  private final PlainLoop<?> plain;
  private final int every;
  private long plainNanos;
  private long plainCpuNanos;

  Interleaving(PlainLoop<?> plain, int every) {
    this.plain = plain;
    this.every = every;
  }

  @Override
  public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (state.globalStep() % every == 0) {
      slice();
    }
  }

  /** Runs the plain loop's next slice, timed. */
  void slice() {
    timed(every);
  }

  /** Runs the plain loop's remaining steps, if the run's length was not a multiple of the slice. */
  void finish(int totalSteps) {
    timed(totalSteps);
  }

  private void timed(int steps) {
    long start = System.nanoTime();
    long cpuStart = LoopResult.processCpuNanos();
    plain.steps(steps);
    plainCpuNanos += LoopResult.processCpuNanos() - cpuStart;
    plainNanos += System.nanoTime() - start;
  }

  /** The plain loop's {@code steps} steps as one result: the time of its slices and its logged losses. */
  LoopResult result(int steps) {
    return new LoopResult(steps, plainNanos, plainCpuNanos, plain.loggedLosses());
  }
}
