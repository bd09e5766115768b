package org.trainer4j.core.optim;

/**
 * HF's {@code get_linear_schedule_with_warmup}: the rate rises linearly from 0 to the base rate over
 * the warmup steps, then falls linearly to 0 at the last step.
 */
public final class LinearSchedule implements LrScheduler {
  private final double baseLr;
  private final int warmupSteps;
  private final int totalSteps;
  private int step;

  public LinearSchedule(double baseLr, int warmupSteps, int totalSteps) {
    this.baseLr = baseLr;
    this.warmupSteps = warmupSteps;
    this.totalSteps = totalSteps;
  }

  @Override
  public String name() {
    return "linear";
  }

  @Override
  public double lastLr() {
    return baseLr * factor(step);
  }

  double factor(int s) {
    if (s < warmupSteps) {
      return (double) s / Math.max(1, warmupSteps);
    }
    return Math.max(0.0, (double) (totalSteps - s) / Math.max(1, totalSteps - warmupSteps));
  }

  @Override
  public void step() {
    step++;
  }

  @Override
  public java.util.Map<String, Object> state() {
    return java.util.Map.of("last_epoch", step);
  }

  @Override
  public void loadState(java.util.Map<String, Object> state) {
    step = ((Number) state.get("last_epoch")).intValue();
  }
}
