package org.trainer4j.core.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.state.TrainerState;

/** HF's best-model bookkeeping: {@code best_metric}, {@code best_global_step}, {@code best_model_checkpoint}. */
public final class BestModel {
  private BestModel() {}

  /**
   * Records the evaluation if it beats the best so far (strictly, by {@code greater_is_better}). A NaN
   * never does: it would compare as neither better nor worse and, as the first value, stay best forever.
   *
   * @return whether it is a new best
   * @throws IllegalArgumentException when the evaluation lacks the metric, listing those it has
   */
  public static boolean update(TrainingArguments args, TrainerState.Writer writer, Map<String, Object> metrics) {
    TrainerState state = writer.state();
    double v = value(args, metrics).orElseThrow(() -> new IllegalArgumentException(missingMessage(args, metrics)));
    if (Double.isNaN(v)) {
      return false;
    }
    boolean greater = args.greaterIsBetter().orElse(true);
    boolean better = state.bestMetric().map(best -> Double.isNaN(best) || (greater ? v > best : v < best)).orElse(true);
    if (better) {
      writer.setBestMetric(v);
      writer.setBestGlobalStep(state.globalStep());
    }
    return better;
  }

  /** The value of {@code metric_for_best_model} in an evaluation's metrics; empty when it is not there. */
  public static Optional<Double> value(TrainingArguments args, Map<String, Object> metrics) {
    String key = EarlyStoppingCallback.metricKey(args.metricForBestModel().orElseThrow());
    return metrics.get(key) instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
  }

  /** What to tell a user whose evaluation did not produce {@code metric_for_best_model}. */
  public static String missingMessage(TrainingArguments args, Map<String, Object> metrics) {
    String key = EarlyStoppingCallback.metricKey(args.metricForBestModel().orElseThrow());
    return "metric_for_best_model=" + args.metricForBestModel().orElseThrow() + " is not allowed: the evaluation"
        + " produced no " + key + "; it produced " + metrics.keySet();
  }

  /** The best checkpoint's folder, if it exists or is the one being written now. */
  public static Optional<Path> bestCheckpoint(TrainingArguments args, TrainerState state, Path beingSaved) {
    if (args.metricForBestModel().isEmpty() || state.bestGlobalStep().isEmpty()) {
      return Optional.empty();
    }
    Path best = args.outputDir().resolve(Checkpoints.folderName(state.bestGlobalStep().get()));
    return best.equals(beingSaved) || Files.isDirectory(best) ? Optional.of(best) : Optional.empty();
  }
}
