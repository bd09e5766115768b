package org.trainer4j.core.internal;

/**
 * The training loss as HF logs it: the mean step loss since the last log, where a step's loss is the
 * mean over its accumulation window. With {@code logging_nan_inf_filter}, NaN and infinite micro-batch
 * losses are left out of their window, and a step with no finite loss at all counts as the running mean
 * (HF's rule); the number left out is reported with the log, and a window of logs with no finite loss
 * logs NaN rather than a made-up number.
 */
final class LossTracker {
  private final boolean filterNonFinite;
  private double windowSum;
  private int windowCount;
  private int windowFinite;
  private double sum;
  private int steps;
  private int nonFinite;
  private double total;

  LossTracker(boolean filterNonFinite) {
    this.filterNonFinite = filterNonFinite;
  }

  /** What one log row reports. */
  record Logged(double meanLoss, int nonFiniteLosses) {}

  void addMicroBatch(float loss) {
    windowCount++;
    if (Float.isFinite(loss)) {
      windowFinite++;
      windowSum += loss;
    } else if (filterNonFinite) {
      nonFinite++;
    } else {
      windowSum += loss;
    }
  }

  /** Closes the current accumulation window: its mean becomes one step loss. */
  void endStep() {
    if (!filterNonFinite) {
      sum += windowSum / windowCount;
      steps++;
    } else if (windowFinite > 0) {
      sum += windowSum / windowFinite;
      steps++;
    } else if (steps > 0) {
      sum += sum / steps;
      steps++;
    }
    windowSum = 0;
    windowCount = 0;
    windowFinite = 0;
  }

  /** The row to log, and a fresh start for the next one. */
  Logged takeLog() {
    Logged logged = new Logged(steps == 0 ? Double.NaN : sum / steps, nonFinite);
    total += sum;
    sum = 0;
    steps = 0;
    nonFinite = 0;
    return logged;
  }

  /** HF's {@code train_loss}: every step loss summed, over the steps done. */
  double trainLoss(int globalStep) {
    return (total + sum) / Math.max(globalStep, 0.001);
  }

  LoopState.Losses save() {
    return new LoopState.Losses(sum, steps, nonFinite, total);
  }

  void restore(LoopState.Losses saved) {
    sum = saved.sum();
    steps = saved.steps();
    nonFinite = saved.nonFinite();
    total = saved.total();
  }
}
