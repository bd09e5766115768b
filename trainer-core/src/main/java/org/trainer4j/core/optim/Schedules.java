package org.trainer4j.core.optim;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.args.SchedulerType;

/**
 * Builds the schedule of {@code lr_scheduler_type} with its {@code lr_scheduler_kwargs}, as HF's
 * {@code get_scheduler}: the same keys, defaults and checks.
 */
final class Schedules {
  private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
  private static final Map<String, String> SET_ELSEWHERE = Map.of(
      "num_warmup_steps", "warmup_steps (or warmup_ratio)",
      "num_training_steps", "max_steps (or num_train_epochs)",
      "lr", "learning_rate");
  private static final List<String> SHAPES = List.of("linear", "cosine", "1-sqrt");

  private Schedules() {}

  static LrScheduler create(TrainingArguments args, int totalSteps) {
    if (totalSteps < 1) {
      throw new IllegalArgumentException(
          "total steps=" + totalSteps + " is not allowed for a learning-rate schedule; use 1 or more");
    }
    SchedulerType type = args.lrSchedulerType();
    int warmup = Optimizers.warmupSteps(args, totalSteps);
    double lr = args.learningRate();
    Map<String, Object> given = args.lrSchedulerKwargs();
    return switch (type) {
      case LINEAR -> {
        kwargs(type, given);
        yield lambda(type, lr, s -> LrLambdas.linear(s, warmup, totalSteps));
      }
      case COSINE -> {
        double cycles = kwargs(type, given, "num_cycles").number("num_cycles", 0.5);
        yield lambda(type, lr, s -> LrLambdas.cosine(s, warmup, totalSteps, cycles, 0.0));
      }
      case COSINE_WITH_RESTARTS -> {
        double cycles = kwargs(type, given, "num_cycles").number("num_cycles", 1);
        yield lambda(type, lr, s -> LrLambdas.cosineWithHardRestarts(s, warmup, totalSteps, cycles));
      }
      case POLYNOMIAL -> polynomial(type, given, lr, warmup, totalSteps);
      case CONSTANT -> {
        kwargs(type, given);
        warnIgnoredWarmup(type, warmup);
        yield lambda(type, lr, s -> 1.0);
      }
      case CONSTANT_WITH_WARMUP -> {
        kwargs(type, given);
        yield lambda(type, lr, s -> LrLambdas.constantWithWarmup(s, warmup));
      }
      case INVERSE_SQRT -> {
        KeywordArguments kw = kwargs(type, given, "timescale");
        int timescale = kw.integer("timescale", warmup > 0 ? warmup : 10_000);
        kw.check(timescale > 0, "timescale", timescale, "1 or more");
        yield lambda(type, lr, s -> LrLambdas.inverseSqrt(s, warmup, timescale));
      }
      case REDUCE_LR_ON_PLATEAU -> plateau(args, given, warmup);
      case COSINE_WITH_MIN_LR -> cosineWithMinLr(type, given, lr, warmup, totalSteps);
      case WARMUP_STABLE_DECAY -> warmupStableDecay(type, given, lr, warmup, totalSteps);
    };
  }

  private static LrScheduler polynomial(SchedulerType type, Map<String, Object> given, double lr, int warmup,
      int total) {
    KeywordArguments kw = kwargs(type, given, "lr_end", "power");
    double lrEnd = kw.number("lr_end", 1e-7);
    double power = kw.number("power", 1.0);
    if (!(lr > lrEnd)) {
      throw new IllegalArgumentException("lr_scheduler_kwargs lr_end=" + lrEnd + " is not allowed for "
          + owner(type) + "; use a value below learning_rate=" + lr);
    }
    return lambda(type, lr, s -> LrLambdas.polynomial(s, warmup, total, lr, lrEnd, power));
  }

  private static LrScheduler cosineWithMinLr(SchedulerType type, Map<String, Object> given, double lr,
      int warmup, int total) {
    KeywordArguments kw = kwargs(type, given, "num_cycles", "min_lr", "min_lr_rate");
    double cycles = kw.number("num_cycles", 0.5);
    if (kw.has("min_lr") == kw.has("min_lr_rate")) {
      throw new IllegalArgumentException("lr_scheduler_kwargs for " + owner(type) + " needs exactly one of"
          + " min_lr and min_lr_rate (e.g. {\"min_lr_rate\": 0.1}); given: " + given.keySet());
    }
    double rate;
    if (kw.has("min_lr")) {
      if (!(lr > 0)) {
        throw new IllegalArgumentException("lr_scheduler_kwargs min_lr needs learning_rate > 0 for "
            + owner(type) + " (it is divided by it); use min_lr_rate instead");
      }
      rate = kw.number("min_lr", 0) / lr;
    } else {
      rate = kw.number("min_lr_rate", 0);
    }
    return lambda(type, lr, s -> LrLambdas.cosine(s, warmup, total, cycles, rate));
  }

  private static LrScheduler warmupStableDecay(SchedulerType type, Map<String, Object> given, double lr,
      int warmup, int total) {
    KeywordArguments kw = kwargs(type, given, "num_decay_steps", "num_stable_steps", "warmup_type",
        "decay_type", "min_lr_ratio", "num_cycles");
    int decay = kw.optionalInteger("num_decay_steps").orElseThrow(() -> new IllegalArgumentException(
        owner(type) + " needs lr_scheduler_kwargs num_decay_steps (e.g. {\"num_decay_steps\": 100})"));
    int stable = kw.integer("num_stable_steps", total - warmup - decay);
    kw.check(decay >= 0, "num_decay_steps", decay, "0 or more");
    kw.check(!kw.has("num_stable_steps") || stable >= 0, "num_stable_steps", stable, "0 or more");
    if (stable < 0) {
      LOG.warn("{}: warmup ({}) and num_decay_steps ({}) take more than the {} training steps; the decay"
          + " starts early, as in HF", owner(type), warmup, decay, total);
    }
    LrLambdas.Shape warmupShape = LrLambdas.Shape.of(kw.choice("warmup_type", "linear", SHAPES));
    LrLambdas.Shape decayShape = LrLambdas.Shape.of(kw.choice("decay_type", "cosine", SHAPES));
    double minLrRatio = kw.number("min_lr_ratio", 0);
    double cycles = kw.number("num_cycles", 0.5);
    return lambda(type, lr, s -> LrLambdas.warmupStableDecay(
        s, warmup, stable, decay, warmupShape, decayShape, minLrRatio, cycles));
  }

  private static LrScheduler plateau(TrainingArguments args, Map<String, Object> given, int warmup) {
    SchedulerType type = SchedulerType.REDUCE_LR_ON_PLATEAU;
    KeywordArguments kw = kwargs(type, given, "mode", "factor", "patience", "threshold", "threshold_mode",
        "cooldown", "min_lr", "eps");
    ReduceLrOnPlateau.Settings d = ReduceLrOnPlateau.Settings.defaults();
    ReduceLrOnPlateau.Settings settings = kw.build(() -> new ReduceLrOnPlateau.Settings(
        ReduceLrOnPlateau.Mode.valueOf(kw.choice("mode", "min", List.of("min", "max")).toUpperCase(Locale.ROOT)),
        kw.number("factor", d.factor()),
        kw.integer("patience", d.patience()),
        kw.number("threshold", d.threshold()),
        ReduceLrOnPlateau.ThresholdMode.valueOf(
            kw.choice("threshold_mode", "rel", List.of("rel", "abs")).toUpperCase(Locale.ROOT)),
        kw.integer("cooldown", d.cooldown()),
        kw.number("min_lr", d.minLr()),
        kw.number("eps", d.eps())));
    warnIgnoredWarmup(type, warmup);
    String metric = args.metricForBestModel().orElse("loss");
    if (!metric.startsWith("eval_")) {
      metric = "eval_" + metric;
    }
    if (!kw.has("mode") && args.greaterIsBetter().orElse(false)) {
      LOG.warn("reduce_lr_on_plateau lowers the rate when {} stops decreasing (mode defaults to 'min', as in"
          + " HF), but greater_is_better=true; set lr_scheduler_kwargs {{\"mode\": \"max\"}} if higher is"
          + " better", metric);
    }
    return new ReduceLrOnPlateau(args.learningRate(), metric, settings);
  }

  private static KeywordArguments kwargs(SchedulerType type, Map<String, Object> given, String... allowed) {
    return new KeywordArguments("lr_scheduler_kwargs", owner(type), given, List.of(allowed), SET_ELSEWHERE);
  }

  private static String owner(SchedulerType type) {
    return "lr_scheduler_type=" + type.value();
  }

  private static LambdaSchedule lambda(SchedulerType type, double lr, IntToDoubleFunction factor) {
    return new LambdaSchedule(type.value(), lr, factor);
  }

  private static void warnIgnoredWarmup(SchedulerType type, int warmup) {
    if (warmup > 0) {
      LOG.warn("{} has no warmup: the {} warmup steps are ignored, as in HF", owner(type), warmup);
    }
  }
}
