package org.trainer4j.core.callback;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.state.ExportableState;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.args.IntervalStrategy;

/**
 * Stops training when {@code metric_for_best_model} has not improved for {@code patience} evaluations,
 * as HF's {@code EarlyStoppingCallback}: an evaluation improves when the metric beats the best so far
 * (before this evaluation) by more than {@code threshold}. Its counter is saved in checkpoints and
 * restored with {@code restore_callback_states_from_checkpoint}.
 */
public final class EarlyStoppingCallback implements TrainerCallback, ExportableState {
  private static final Logger LOG = LoggerFactory.getLogger(EarlyStoppingCallback.class);

  private int patience;
  private double threshold;
  private int patienceCounter;

  /** Patience 1, threshold 0 (HF's defaults). */
  public EarlyStoppingCallback() {
    this(1, 0.0);
  }

  /**
   * @param patience evaluations without improvement before stopping (at least 1)
   * @param threshold how much better than the best a metric must be to count as an improvement
   */
  public EarlyStoppingCallback(int patience, double threshold) {
    if (patience < 1) {
      throw new IllegalArgumentException("early_stopping_patience=" + patience + " is not allowed; use 1 or more");
    }
    if (!(threshold >= 0)) {
      throw new IllegalArgumentException("early_stopping_threshold=" + threshold + " is not allowed; use 0 or more");
    }
    this.patience = patience;
    this.threshold = threshold;
  }

  /** Evaluations in a row without improvement so far. */
  public int patienceCounter() {
    return patienceCounter;
  }

  @Override
  public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (args.metricForBestModel().isEmpty()) {
      throw new IllegalArgumentException("EarlyStoppingCallback needs metric_for_best_model: set it (e.g."
          + " metric_for_best_model=loss) or set load_best_model_at_end=true, which defaults it to loss");
    }
    if (args.evalStrategy() == IntervalStrategy.NO) {
      throw new IllegalArgumentException("EarlyStoppingCallback needs evaluations: set eval_strategy to steps or"
          + " epoch (it is no)");
    }
    if (!args.loadBestModelAtEnd()) {
      LOG.warn("EarlyStoppingCallback without load_best_model_at_end=true: training stops early, but the model"
          + " at the end is the last one, not the best one");
    }
  }

  @Override
  public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    String metric = metricKey(args.metricForBestModel().orElseThrow());
    Object value = context.metrics().get(metric);
    if (!(value instanceof Number number)) {
      // As HF: this evaluation does not count. The Trainer reports the missing metric after it has saved.
      LOG.warn("early stopping required metric_for_best_model, but did not find {} so early stopping is"
          + " disabled for this evaluation; the evaluation produced {}", metric, context.metrics().keySet());
      return;
    }
    double v = number.doubleValue();
    boolean greaterIsBetter = args.greaterIsBetter().orElse(true);
    // A NaN is never an improvement, not even as the first value.
    boolean improved = !Double.isNaN(v) && state.bestMetric().map(best -> Double.isNaN(best)
        || (greaterIsBetter ? v > best : v < best) && Math.abs(v - best) > threshold).orElse(true);
    patienceCounter = improved ? 0 : patienceCounter + 1;
    if (patienceCounter >= patience) {
      LOG.info("Early stopping at step {}: {} did not improve for {} evaluations", state.globalStep(), metric, patience);
      control.setShouldTrainingStop(true);
    }
  }

  /** The metrics key of {@code metric_for_best_model}: {@code eval_} is added when missing. */
  public static String metricKey(String metricForBestModel) {
    return metricForBestModel.startsWith("eval_") ? metricForBestModel : "eval_" + metricForBestModel;
  }

  @Override
  public Map<String, Object> stateArgs() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("early_stopping_patience", patience);
    args.put("early_stopping_threshold", threshold);
    return args;
  }

  @Override
  public Map<String, Object> stateAttributes() {
    return Map.of("early_stopping_patience_counter", patienceCounter);
  }

  @Override
  public void restoreState(Map<String, Object> args, Map<String, Object> attributes) {
    if (args.get("early_stopping_patience") instanceof Number p) {
      patience = p.intValue();
    }
    if (args.get("early_stopping_threshold") instanceof Number t) {
      threshold = t.doubleValue();
    }
    if (attributes.get("early_stopping_patience_counter") instanceof Number c) {
      patienceCounter = c.intValue();
    }
  }
}
