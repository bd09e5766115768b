package org.trainer4j.benchmarks.harness;

import java.util.Locale;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;

/**
 * Times a Trainer run from the end of its step {@code first} to the end of its last step, by the steps' own ends, so
 * that what {@code train()} does once (start-up, the first batches, a worker's start) does not count; and counts the
 * minor page faults of those steps.
 */
final class TimedSteps implements TrainerCallback {
  /** A run's steps per second and the minor page faults it took per step. */
  record Run(double stepsPerSecond, double faultsPerStep) {}

  private final int first;
  private long startNanos;
  private long endNanos;
  private long startFaults;
  private long endFaults;
  private int last;

  TimedSteps(int first) {
    this.first = first;
  }

  @Override
  public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (state.globalStep() == first) {
      startFaults = ProcStatus.minorFaults();
      startNanos = System.nanoTime();
    } else if (state.globalStep() == args.maxSteps()) {
      endNanos = System.nanoTime();
      endFaults = ProcStatus.minorFaults();
      last = state.globalStep();
    }
  }

  /** The timed steps' rate and page faults; the run must have ended after step {@code first}. */
  Run result() {
    if (last <= first) {
      throw new IllegalStateException("the run ended at step " + last + ", not after step " + first);
    }
    return new Run((last - first) * 1e9 / (endNanos - startNanos), (endFaults - startFaults) / (double) (last - first));
  }

  /**
   * Runs until {@code settled} holds for the last run (given the run before it, {@code null} for the first), at most
   * {@code maxRuns}, returning that run. A fresh JVM's steps are up to five times slower while the process's native
   * memory still grows: every step first-touches fresh pages for the optimizer's temporaries and the batches' direct
   * buffers (DJL frees those only when the GC collects them), hundreds of page faults a step, slow on a virtual
   * machine. Measuring before it has settled would compare a slow phase with a fast one.
   */
  static Run settle(Supplier<Run> run, BiPredicate<Run, Run> settled, int maxRuns, String measurement,
      Consumer<String> progress) {
    Run previous = null;
    Run warm = null;
    for (int warmUps = 1; warmUps <= maxRuns; warmUps++) {
      previous = warm;
      warm = run.get();
      progress.accept(String.format(Locale.ROOT, "%s: warm-up %d: %.2f steps/s, %.1f page faults a step",
          measurement, warmUps, warm.stepsPerSecond(), warm.faultsPerStep()));
      if (settled.test(previous, warm)) {
        break;
      }
    }
    return warm;
  }

  /** Settled when a run takes fewer than {@code faults} minor page faults a step. */
  static BiPredicate<Run, Run> fewerFaultsThan(double faults) {
    return (previous, latest) -> latest.faultsPerStep() < faults;
  }

  /**
   * Settled when a run's page faults a step are no longer falling (at least 90 % of the run's before): for models
   * whose large tensors the C library maps afresh at every step (glibc's malloc serves allocations over 32 MB from
   * new mappings), whose faults never reach zero.
   */
  static BiPredicate<Run, Run> faultsStopFalling() {
    return (previous, latest) -> previous != null && latest.faultsPerStep() >= 0.9 * previous.faultsPerStep();
  }
}
