package org.trainer4j.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.checkpoint.Checkpoints;

/** HF's best-model bookkeeping: {@code best_metric}, {@code best_global_step}, {@code best_model_checkpoint}. */
public final class BestModel {
  private BestModel() {}

  /**
   * Records the evaluation if it beats the best so far (strictly, by {@code greater_is_better}).
   *
   * @return whether it is a new best
   * @throws IllegalArgumentException when the evaluation lacks the metric, listing those it has
   */
  public static boolean update(TrainingArguments args, TrainerState state, Map<String, Object> metrics) {
    String key = EarlyStoppingCallback.metricKey(args.metricForBestModel().orElseThrow());
    if (!(metrics.get(key) instanceof Number value)) {
      throw new IllegalArgumentException("metric_for_best_model=" + args.metricForBestModel().orElseThrow()
          + " is not allowed: the evaluation produced no " + key + "; it produced " + metrics.keySet());
    }
    double v = value.doubleValue();
    boolean greater = args.greaterIsBetter().orElse(true);
    boolean better = state.bestMetric().map(best -> greater ? v > best : v < best).orElse(true);
    if (better) {
      state.setBestMetric(v);
      state.setBestGlobalStep(state.globalStep());
    }
    return better;
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
