package org.trainer4j.core.args;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.trainer4j.core.args.Choice;
import org.trainer4j.core.args.IntervalStrategy;
import org.trainer4j.core.args.OptimizerType;
import org.trainer4j.core.args.SamplingStrategy;
import org.trainer4j.core.args.SaveStrategy;
import org.trainer4j.core.args.SchedulerType;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.core.Trainer;

/**
 * HF's {@code TrainingArguments.__post_init__} checks and derived defaults, plus the checks PyTorch
 * and the Trainer make later in HF (batch sizes, optimizer hyper-parameters, seeds), so that a bad
 * value fails when the arguments are built rather than mid-run. Every message names the option, the
 * value and what is allowed.
 */
final class ArgumentsValidator {
  private static final List<String> METRICS_INPUTS = List.of("inputs", "loss");

  private ArgumentsValidator() {}

  static void validateAndResolve(TrainingArguments a) {
    if (a.outputDir == null) {
      a.outputDir = "trainer_output"; // HF 4.50: output_dir=None means "trainer_output"
    }
    require(!a.outputDir.isBlank(), "output_dir", "'" + a.outputDir + "'", "a folder path");
    requireChoice(a.evalStrategy, IntervalStrategy.class, "eval_strategy");
    requireChoice(a.loggingStrategy, IntervalStrategy.class, "logging_strategy");
    requireChoice(a.saveStrategy, SaveStrategy.class, "save_strategy");
    requireChoice(a.lrSchedulerType, SchedulerType.class, "lr_scheduler_type");
    requireChoice(a.optim, OptimizerType.class, "optim");
    requireChoice(a.trainSamplingStrategy, SamplingStrategy.class, "train_sampling_strategy");
    checkDataLoading(a);
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
    require(a.labelSmoothingFactor >= 0 && a.labelSmoothingFactor < 1, "label_smoothing_factor",
        a.labelSmoothingFactor, "a number in [0, 1) (0: no label smoothing)");
    nonNegative("eval_delay", a.evalDelay);
    // numpy's seed (HF's set_seed) takes 0 to 2**32 - 1.
    require(a.seed >= 0, "seed", a.seed, "0 or more");
    if (a.dataSeed != null) {
      require(a.dataSeed >= 0, "data_seed", a.dataSeed, "0 or more (unset uses seed)");
    }
    if (a.saveTotalLimit != null) {
      require(a.saveTotalLimit >= 1, "save_total_limit", a.saveTotalLimit, "1 or more (unset keeps all)");
    }

    resolveStepIntervals(a);
    if (a.evalStrategy != IntervalStrategy.NO) {
      a.doEval = true;
    }

    if ((a.loadBestModelAtEnd || a.lrSchedulerType == SchedulerType.REDUCE_LR_ON_PLATEAU)
        && a.metricForBestModel == null) {
      a.metricForBestModel = "loss";
    }
    if (a.metricForBestModel != null && a.greaterIsBetter == null) {
      a.greaterIsBetter = !a.metricForBestModel.endsWith("loss");
    }
    if (a.loadBestModelAtEnd) {
      checkBestModelStrategies(a);
    }
    if (a.saveStrategy == SaveStrategy.BEST) {
      require(a.metricForBestModel != null, "save_strategy", "best",
          "only with metric_for_best_model set (or load_best_model_at_end=true, which defaults it to loss)");
      require(a.evalStrategy != IntervalStrategy.NO, "save_strategy", "best",
          "only with eval_strategy=steps or epoch, which produce the metric (eval_strategy=no)");
    }
    if (a.lrSchedulerType == SchedulerType.REDUCE_LR_ON_PLATEAU) {
      require(a.evalStrategy != IntervalStrategy.NO, "lr_scheduler_type", "reduce_lr_on_plateau",
          "only with eval_strategy=steps or epoch: it reads metric_for_best_model (eval_strategy=no)");
    }
    a.lrSchedulerKwargs = convertStringValues(castMap(PyJson.normalize(a.lrSchedulerKwargs)));
    if (a.optimArgs != null) {
      OptimArgs.parse(a.optimArgs);
    }
    for (String input : a.includeForMetrics) {
      require(METRICS_INPUTS.contains(input), "include_for_metrics", input, "inputs, loss or both");
    }
    checkReportTo(a.reportTo);
    if (a.runName == null || a.runName.isBlank()) {
      a.runName = a.outputDir;
    }
  }

  /** The data options: HF's rules, and v4's {@code group_by_length} read as v5's sampling strategy. */
  private static void checkDataLoading(TrainingArguments a) {
    if (a.groupByLength) {
      require(a.trainSamplingStrategy == SamplingStrategy.RANDOM
          || a.trainSamplingStrategy == SamplingStrategy.GROUP_BY_LENGTH, "group_by_length", true,
          "only with train_sampling_strategy=random (the default) or group_by_length; train_sampling_strategy="
              + a.trainSamplingStrategy + " asks for another order");
      a.trainSamplingStrategy = SamplingStrategy.GROUP_BY_LENGTH;
    }
    require(a.lengthColumnName != null && !a.lengthColumnName.isBlank(), "length_column_name",
        "'" + a.lengthColumnName + "'", "a key name");
    require(a.dataloaderNumWorkers >= 0, "dataloader_num_workers", a.dataloaderNumWorkers, "0 or more");
    if (a.dataloaderPrefetchFactor != null) {
      // HF's rule and message (training_args.py).
      if (a.dataloaderNumWorkers == 0) {
        throw new IllegalArgumentException("--dataloader_prefetch_factor can only be set when data is loaded in a"
            + " different process, i.e. when --dataloader_num_workers > 0.");
      }
      require(a.dataloaderPrefetchFactor >= 1, "dataloader_prefetch_factor", a.dataloaderPrefetchFactor,
          "1 or more (unset: 2)");
    }
    if (a.evalAccumulationSteps != null) {
      require(a.evalAccumulationSteps >= 1, "eval_accumulation_steps", a.evalAccumulationSteps, "1 or more (unset: at the end)");
    }
  }

  /**
   * {@code *_steps} below 1 are ratios of the total steps, above 1 whole step counts; checked only
   * for the strategies that use them, as HF does. {@code eval_steps} unset (or 0) takes {@code
   * logging_steps}.
   */
  private static void resolveStepIntervals(TrainingArguments a) {
    if (a.loggingStrategy == IntervalStrategy.STEPS) {
      stepInterval("logging_steps", a.loggingSteps, "logging_strategy=steps");
    }
    if (a.evalStrategy == IntervalStrategy.STEPS) {
      if (a.evalSteps == null || a.evalSteps == 0) {
        require(a.loggingSteps > 0, "eval_steps", a.evalSteps == null ? "unset" : a.evalSteps,
            "a positive number with eval_strategy=steps (unset takes logging_steps, but logging_steps="
                + format(a.loggingSteps) + ")");
        a.evalSteps = a.loggingSteps;
      }
      stepInterval("eval_steps", a.evalSteps, "eval_strategy=steps");
    }
    if (a.saveStrategy == SaveStrategy.STEPS) {
      stepInterval("save_steps", a.saveSteps, "save_strategy=steps");
    }
  }

  private static void checkBestModelStrategies(TrainingArguments a) {
    if (a.saveStrategy == SaveStrategy.BEST) {
      return;
    }
    require(a.evalStrategy != IntervalStrategy.NO, "load_best_model_at_end", true,
        "only with eval_strategy=steps or epoch (eval_strategy=no)");
    if (!a.evalStrategy.value().equals(a.saveStrategy.value())) {
      throw new IllegalArgumentException("load_best_model_at_end=true is not allowed with save_strategy="
          + a.saveStrategy + " and eval_strategy=" + a.evalStrategy
          + "; use the same strategy for both, or save_strategy=best");
    }
    if (a.evalStrategy == IntervalStrategy.STEPS) {
      checkSaveStepsMultipleOfEvalSteps(a.saveSteps, a.evalSteps);
    }
  }

  private static void checkSaveStepsMultipleOfEvalSteps(double save, double eval) {
    String given = "load_best_model_at_end=true is not allowed with save_steps=" + format(save)
        + " and eval_steps=" + format(eval) + "; ";
    if ((save < 1) != (eval < 1)) {
      throw new IllegalArgumentException(given + "give both as step counts or both as ratios below 1, so"
          + " that every save follows an evaluation");
    }
    double quotient = save / eval;
    // Ratios such as 0.3 / 0.1 are not exact in binary: allow rounding noise.
    if (quotient < 1 - 1e-9 || Math.abs(quotient - Math.rint(quotient)) > 1e-9) {
      throw new IllegalArgumentException(given + "use a save_steps that is a whole multiple of eval_steps");
    }
  }

  /** HF's {@code _convert_str_dict}: string values "true"/"false", "12" and "1.5" become values. */
  private static Map<String, Object> convertStringValues(Map<String, Object> kwargs) {
    Map<String, Object> out = new LinkedHashMap<>();
    kwargs.forEach((key, value) -> out.put(key, convertString(value)));
    return out;
  }

  private static Object convertString(Object value) {
    if (value instanceof Map<?, ?> nested) {
      return convertStringValues(castMap(nested));
    }
    if (!(value instanceof String s)) {
      return value;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.equals("true") || lower.equals("false")) {
      return lower.equals("true");
    }
    if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return PyJson.normalize(new BigInteger(s));
    }
    String oneDotRemoved = s.replaceFirst("\\.", "");
    if (!oneDotRemoved.isEmpty() && oneDotRemoved.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Double.parseDouble(s);
    }
    return s;
  }



  private static void checkReportTo(List<String> reportTo) {
    for (String name : reportTo) {
      require(name != null && !name.isBlank(), "report_to", "'" + name + "'", "all, none or integration names");
    }
    List<String> lower = reportTo.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    if (lower.size() > 1 && (lower.contains("all") || lower.contains("none"))) {
      throw new IllegalArgumentException("report_to=" + String.join(" ", reportTo)
          + " is not allowed; use all or none alone, or integration names without them");
    }
  }

  private static void stepInterval(String option, double value, String because) {
    require(value > 0, option, value,
        "a positive number with " + because + " (a whole number of steps, or a ratio of the total below 1)");
    if (value > 1) {
      require(value == Math.rint(value), option, value,
          "a whole number of steps above 1, or a ratio of the total steps below 1");
    }
  }

  private static <E extends Enum<E> & Choice> void requireChoice(E value, Class<E> type, String option) {
    require(value != null, option, null, "one of: " + Choice.allowed(type));
  }

  private static void positive(String option, int value) {
    require(value > 0, option, value, "a positive whole number");
  }

  private static void nonNegative(String option, double value) {
    require(value >= 0 && Double.isFinite(value), option, value, "a finite number, 0 or more");
  }

  static void require(boolean ok, String option, Object value, String allowed) {
    if (!ok) {
      throw new IllegalArgumentException(option + "=" + format(value) + " is not allowed; use " + allowed);
    }
  }

  /** A value as the user wrote it: {@code 500} rather than {@code 500.0}, Python's spelling otherwise. */
  static String format(Object value) {
    if (value instanceof Double d) {
      return d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15
          ? String.valueOf(d.longValue()) : PyJson.floatRepr(d);
    }
    if (value instanceof List<?> list) {
      return String.join(" ", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object map) {
    return (Map<String, Object>) map;
  }
}
