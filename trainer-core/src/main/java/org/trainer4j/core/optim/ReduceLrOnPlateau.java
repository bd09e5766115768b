package org.trainer4j.core.optim;

import static org.trainer4j.core.optim.KeywordArguments.require;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * PyTorch's {@code ReduceLROnPlateau}, HF's {@code reduce_lr_on_plateau}: the rate starts at {@code
 * learning_rate} and is multiplied by {@code factor} (not below {@code min_lr}) when the metric has not
 * improved for more than {@code patience} evaluations; after a reduction, {@code cooldown} evaluations
 * are not counted.
 *
 * <p>It moves only on evaluations: {@link #onEvaluate(Map)} reads {@code eval_<metric_for_best_model>};
 * {@link #step()} does nothing, so the loop may call it after every optimizer step like any schedule.
 */
public final class ReduceLrOnPlateau implements LrScheduler {
  private final String metric;
  private final Settings settings;
  private double lr;
  private double best;
  private int numBadEpochs;
  private int cooldownCounter;
  private int lastEpoch;

  /** Whether a lower ({@code min}) or a higher ({@code max}) metric is better. */
  public enum Mode {
    MIN,
    MAX
  }

  /** Whether {@code threshold} is relative to the best value ({@code rel}) or absolute ({@code abs}). */
  public enum ThresholdMode {
    REL,
    ABS
  }

  /** PyTorch's arguments of {@code ReduceLROnPlateau}, given through {@code lr_scheduler_kwargs}. */
  public record Settings(Mode mode, double factor, int patience, double threshold, ThresholdMode thresholdMode,
      int cooldown, double minLr, double eps) {
    public Settings {
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(thresholdMode, "thresholdMode");
      require(factor >= 0 && factor < 1, "factor", factor, "a number in [0, 1)");
      require(patience >= 0, "patience", patience, "0 or more");
      require(threshold >= 0, "threshold", threshold, "0 or more");
      require(cooldown >= 0, "cooldown", cooldown, "0 or more");
      require(minLr >= 0, "min_lr", minLr, "0 or more");
      require(eps >= 0, "eps", eps, "0 or more");
    }

    /** PyTorch's defaults: min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0, min_lr 0, eps 1e-8. */
    public static Settings defaults() {
      return new Settings(Mode.MIN, 0.1, 10, 1e-4, ThresholdMode.REL, 0, 0, 1e-8);
    }
  }

  /**
   * @param initialLr the starting rate ({@code learning_rate})
   * @param metric the metric {@link #onEvaluate(Map)} reads, e.g. {@code eval_loss}
   */
  public ReduceLrOnPlateau(double initialLr, String metric, Settings settings) {
    this.metric = Objects.requireNonNull(metric, "metric");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.lr = initialLr;
    this.best = worst();
  }

  @Override
  public String name() {
    return "reduce_lr_on_plateau";
  }

  /** The metric this schedule reads in {@link #onEvaluate(Map)}, e.g. {@code eval_loss}. */
  public String metric() {
    return metric;
  }

  @Override
  public double lastLr() {
    return lr;
  }

  /** Does nothing: the rate changes only with evaluations. */
  @Override
  public void step() {}

  @Override
  public void onEvaluate(Map<String, ?> metrics) {
    Object value = metrics.get(metric);
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException("reduce_lr_on_plateau reads the metric '" + metric
          + "' (metric_for_best_model), " + (value == null ? "which the evaluation did not produce" : "which is "
          + value + ", not a number") + "; the evaluation produced: " + String.join(", ", new TreeSet<>(metrics.keySet())));
    }
    step(n.doubleValue());
  }

  /** PyTorch's {@code step(metrics)}: one evaluation's value of the metric. */
  public void step(double value) {
    lastEpoch++;
    if (isBetter(value)) {
      best = value;
      numBadEpochs = 0;
    } else {
      numBadEpochs++;
    }
    if (cooldownCounter > 0) {
      cooldownCounter--;
      numBadEpochs = 0;
    }
    if (numBadEpochs > settings.patience()) {
      double reduced = Math.max(lr * settings.factor(), settings.minLr());
      if (lr - reduced > settings.eps()) {
        lr = reduced;
      }
      cooldownCounter = settings.cooldown();
      numBadEpochs = 0;
    }
  }

  private boolean isBetter(double value) {
    boolean relative = settings.thresholdMode() == ThresholdMode.REL;
    if (settings.mode() == Mode.MIN) {
      return relative ? value < best * (1.0 - settings.threshold()) : value < best - settings.threshold();
    }
    return relative ? value > best * (settings.threshold() + 1.0) : value > best + settings.threshold();
  }

  private double worst() {
    return settings.mode() == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
  }

  /**
   * {@code name}, {@code lr}, {@code best} (may be ±Infinity before the first evaluation), {@code
   * num_bad_epochs}, {@code cooldown_counter}, {@code last_epoch} and {@code mode}.
   */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("name", name());
    state.put("lr", lr);
    state.put("best", best);
    state.put("num_bad_epochs", numBadEpochs);
    state.put("cooldown_counter", cooldownCounter);
    state.put("last_epoch", lastEpoch);
    state.put("mode", settings.mode().name().toLowerCase(Locale.ROOT));
    return state;
  }

  @Override
  public void loadState(Map<String, ?> state) {
    SchedulerStates.checkName(state, name());
    String mode = settings.mode().name().toLowerCase(Locale.ROOT);
    if (!mode.equals(state.get("mode"))) {
      throw new IllegalArgumentException("reduce_lr_on_plateau state was saved with mode=" + state.get("mode")
          + " and cannot be loaded with mode=" + mode);
    }
    double savedLr = SchedulerStates.number(state, "lr");
    double savedBest = SchedulerStates.number(state, "best");
    int bad = SchedulerStates.count(state, "num_bad_epochs");
    int cooldown = SchedulerStates.count(state, "cooldown_counter");
    int epochs = SchedulerStates.count(state, "last_epoch");
    if (!(savedLr >= 0) || Double.isInfinite(savedLr)) {
      throw new IllegalArgumentException(
          "scheduler state field 'lr' is " + savedLr + "; expected a finite number, 0 or more");
    }
    lr = savedLr;
    best = savedBest;
    numBadEpochs = bad;
    cooldownCounter = cooldown;
    lastEpoch = epochs;
  }
}
