package org.trainer4j.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PyTorch's {@code LambdaLR}, which every HF schedule but {@code reduce_lr_on_plateau} is: after
 * {@code n} calls of {@link #step()} the rate is {@code base_lr * factor(n)}.
 */
public final class LambdaSchedule implements LrScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(LambdaSchedule.class);

  private final String name;
  private final double baseLr;
  private final IntToDoubleFunction factor;
  private int lastEpoch;

  /**
   * @param name the HF name, e.g. {@code cosine}
   * @param baseLr the learning rate the factors multiply ({@code learning_rate})
   * @param factor the multiplier as a function of the number of steps taken
   */
  public LambdaSchedule(String name, double baseLr, IntToDoubleFunction factor) {
    this.name = name;
    this.baseLr = baseLr;
    this.factor = factor;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public double lastLr() {
    return baseLr * factor.applyAsDouble(lastEpoch);
  }

  @Override
  public void step() {
    lastEpoch++;
  }

  /** {@code name}, {@code last_epoch} (steps taken, PyTorch's name), {@code base_lr} and {@code last_lr}. */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("name", name);
    state.put("last_epoch", lastEpoch);
    state.put("base_lr", baseLr);
    state.put("last_lr", lastLr());
    return state;
  }

  @Override
  public void loadState(Map<String, ?> state) {
    SchedulerStates.checkName(state, name);
    int steps = SchedulerStates.count(state, "last_epoch");
    if (state.get("base_lr") instanceof Number saved && saved.doubleValue() != baseLr) {
      LOG.warn("lr_scheduler_type={}: learning_rate was {} when saved and is {} now; continuing with {}",
          name, saved, baseLr, baseLr);
    }
    lastEpoch = steps;
  }
}
