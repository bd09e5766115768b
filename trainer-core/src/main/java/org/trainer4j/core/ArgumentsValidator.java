package org.trainer4j.core;

import java.util.List;
import java.util.Locale;
import org.trainer4j.core.args.IntervalStrategy;
import org.trainer4j.core.args.SaveStrategy;
import org.trainer4j.core.args.SchedulerType;

/** HF's {@code TrainingArguments.__post_init__} checks and derived defaults. */
final class ArgumentsValidator {
  private static final List<String> METRICS_INPUTS = List.of("inputs", "loss");

  private ArgumentsValidator() {}

  static void validateAndResolve(TrainingArguments a) {
    require(a.outputDir != null && !a.outputDir.isBlank(), "output_dir", a.outputDir, "a folder path");
    positive("per_device_train_batch_size", a.perDeviceTrainBatchSize);
    positive("per_device_eval_batch_size", a.perDeviceEvalBatchSize);
    positive("gradient_accumulation_steps", a.gradientAccumulationSteps);
    nonNegative("learning_rate", a.learningRate);
    nonNegative("weight_decay", a.weightDecay);
    require(a.adamBeta1 >= 0 && a.adamBeta1 < 1, "adam_beta1", a.adamBeta1, "a number in [0, 1)");
    require(a.adamBeta2 >= 0 && a.adamBeta2 < 1, "adam_beta2", a.adamBeta2, "a number in [0, 1)");
    nonNegative("adam_epsilon", a.adamEpsilon);
    nonNegative("max_grad_norm", a.maxGradNorm);
    nonNegative("num_train_epochs", a.numTrainEpochs);
    require(a.maxSteps == -1 || a.maxSteps > 0, "max_steps", a.maxSteps,
        "-1 (train for num_train_epochs) or a positive number of steps");
    require(a.maxSteps > 0 || a.numTrainEpochs > 0, "num_train_epochs", a.numTrainEpochs,
        "a positive number of epochs when max_steps is not set");
    require(a.warmupRatio >= 0 && a.warmupRatio <= 1, "warmup_ratio", a.warmupRatio, "a number in [0, 1]");
    require(a.warmupSteps >= 0, "warmup_steps", a.warmupSteps, "0 or more");
    nonNegative("eval_delay", a.evalDelay);
    require(a.seed >= 0, "seed", a.seed, "0 or more");
    if (a.saveTotalLimit != null) {
      require(a.saveTotalLimit >= 1, "save_total_limit", a.saveTotalLimit, "1 or more (unset keeps all)");
    }

    if (a.loggingStrategy == IntervalStrategy.STEPS) {
      stepInterval("logging_steps", a.loggingSteps, "logging_strategy=steps");
    }
    if (a.evalStrategy == IntervalStrategy.STEPS) {
      if (a.evalSteps == null || a.evalSteps == 0) {
        require(a.loggingSteps > 0, "eval_steps", a.evalSteps,
            "a positive number (or a positive logging_steps to fall back on) with eval_strategy=steps");
        a.evalSteps = a.loggingSteps;
      }
      stepInterval("eval_steps", a.evalSteps, "eval_strategy=steps");
    } else if (a.evalSteps != null) {
      stepInterval("eval_steps", a.evalSteps, "any eval_steps");
    }
    if (a.saveStrategy == SaveStrategy.STEPS) {
      stepInterval("save_steps", a.saveSteps, "save_strategy=steps");
    }
    if (a.evalStrategy != IntervalStrategy.NO) {
      a.doEval = true;
    }

    if (a.loadBestModelAtEnd || a.lrSchedulerType == SchedulerType.REDUCE_LR_ON_PLATEAU) {
      if (a.metricForBestModel == null) {
        a.metricForBestModel = "loss";
      }
    }
    if (a.metricForBestModel != null && a.greaterIsBetter == null) {
      a.greaterIsBetter = !a.metricForBestModel.endsWith("loss");
    }
    if (a.loadBestModelAtEnd) {
      checkBestModelStrategies(a);
    }
    if (a.saveStrategy == SaveStrategy.BEST) {
      require(a.evalStrategy != IntervalStrategy.NO, "save_strategy", "best",
          "only with an eval_strategy (steps or epoch) that produces the metric");
      require(a.metricForBestModel != null, "save_strategy", "best",
          "only with metric_for_best_model set (or load_best_model_at_end, which defaults it to loss)");
    }
    if (a.lrSchedulerType == SchedulerType.REDUCE_LR_ON_PLATEAU) {
      require(a.evalStrategy != IntervalStrategy.NO, "lr_scheduler_type", "reduce_lr_on_plateau",
          "only with an eval_strategy (steps or epoch): it reads metric_for_best_model");
    }
    for (String input : a.includeForMetrics) {
      require(METRICS_INPUTS.contains(input), "include_for_metrics", input, "inputs, loss");
    }
    checkReportTo(a.reportTo);
    if (a.runName == null || a.runName.isBlank()) {
      a.runName = a.outputDir;
    }
  }

  private static void checkBestModelStrategies(TrainingArguments a) {
    if (a.saveStrategy == SaveStrategy.BEST) {
      return;
    }
    require(a.evalStrategy != IntervalStrategy.NO, "load_best_model_at_end", true,
        "only with an eval_strategy (steps or epoch)");
    if (a.evalStrategy.value().equals(a.saveStrategy.value())) {
      if (a.evalStrategy == IntervalStrategy.STEPS) {
        checkSaveStepsMultipleOfEvalSteps(a);
      }
      return;
    }
    throw new IllegalArgumentException(
        "load_best_model_at_end=true needs save_strategy to match eval_strategy (or be 'best'), but"
            + " save_strategy=" + a.saveStrategy + " and eval_strategy=" + a.evalStrategy);
  }

  private static void checkSaveStepsMultipleOfEvalSteps(TrainingArguments a) {
    double save = a.saveSteps;
    double eval = a.evalSteps;
    boolean bothRatios = save < 1 && eval < 1;
    boolean ok;
    if (bothRatios || (save >= 1 && eval >= 1)) {
      double quotient = save / eval;
      ok = Math.abs(quotient - Math.rint(quotient)) < 1e-9 && quotient >= 1 - 1e-9;
    } else {
      ok = false;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "load_best_model_at_end=true needs save_steps to be a round multiple of eval_steps, but"
              + " save_steps=" + format(save) + " and eval_steps=" + format(eval));
    }
  }

  private static void checkReportTo(List<String> reportTo) {
    for (String name : reportTo) {
      require(name != null && !name.isBlank(), "report_to", reportTo, "all, none or integration names");
    }
    List<String> lower = reportTo.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    if (lower.size() > 1 && (lower.contains("all") || lower.contains("none"))) {
      throw new IllegalArgumentException("report_to=" + reportTo
          + " is not allowed: 'all' and 'none' cannot be combined with other names");
    }
  }

  private static void stepInterval(String option, double value, String because) {
    require(value > 0, option, value, "a positive number with " + because);
    if (value > 1) {
      require(value == Math.rint(value), option, value,
          "a whole number of steps, or a ratio of the total steps below 1");
    }
  }

  private static void positive(String option, int value) {
    require(value > 0, option, value, "a positive whole number");
  }

  private static void nonNegative(String option, double value) {
    require(value >= 0 && !Double.isNaN(value), option, value, "0 or more");
  }

  static void require(boolean ok, String option, Object value, String allowed) {
    if (!ok) {
      throw new IllegalArgumentException(option + "=" + format(value) + " is not allowed; use " + allowed);
    }
  }

  private static String format(Object value) {
    if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return String.valueOf(d.longValue());
    }
    return String.valueOf(value);
  }
}
