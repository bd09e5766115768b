package org.trainer4j.core.optim;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.trainer4j.core.args.OptimArgs;
import org.trainer4j.core.args.TrainingArguments;

/**
 * Builds the optimizer and learning-rate schedule that {@code optim} and {@code lr_scheduler_type}
 * name, and the list of trainable parameters they work on.
 */
public final class Optimizers {
  /** Parameter-name fragments that mean "no weight decay", as HF's {@code get_decay_parameter_names}. */
  private static final List<String> NO_DECAY_NAMES = List.of("bias", "layernorm", "rmsnorm", "batchnorm");
  private static final Map<String, String> SET_ELSEWHERE = Map.of(
      "lr", "learning_rate",
      "weight_decay", "weight_decay",
      "betas", "adam_beta1 / adam_beta2",
      "beta1", "adam_beta1",
      "beta2", "adam_beta2");
  private static final Map<String, String> ADAMW_SET_ELSEWHERE = withEps();

  private Optimizers() {}

  private static Map<String, String> withEps() {
    Map<String, String> map = new HashMap<>(SET_ELSEWHERE);
    map.put("eps", "adam_epsilon");
    return Map.copyOf(map);
  }

  /**
   * The optimizer of {@code args.optim()} for these parameters, as HF's {@code Trainer.create_optimizer}:
   * {@code weight_decay} applies to the parameters whose {@link NamedParameter#decay()} is true;
   * AdamW takes {@code adam_beta1}, {@code adam_beta2} and {@code adam_epsilon}; the other settings
   * come from {@code optim_args} (see docs/OPTIMIZERS.md for the keys of each optimizer).
   *
   * @throws IllegalArgumentException for an {@code optim_args} key the optimizer does not have (listing
   *     the keys it has), or a bad value
   */
  public static Optimizer create(TrainingArguments args, List<NamedParameter> parameters) {
    Map<String, String> given = OptimArgs.parse(args.optimArgs().orElse(""));
    double wd = args.weightDecay();
    return switch (args.optim()) {
      case ADAMW_TORCH -> {
        KeywordArguments kw = optimArgs("adamw_torch", given, List.of("amsgrad"), ADAMW_SET_ELSEWHERE);
        yield new AdamW(parameters, kw.build(() -> new AdamW.Settings(
            args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(), wd, kw.bool("amsgrad", false))));
      }
      case SGD -> {
        KeywordArguments kw = optimArgs("sgd", given, List.of("momentum", "dampening", "nesterov"), SET_ELSEWHERE);
        yield new Sgd(parameters, kw.build(() -> new Sgd.Settings(
            wd, kw.number("momentum", 0), kw.number("dampening", 0), kw.bool("nesterov", false))));
      }
      case ADAGRAD -> {
        KeywordArguments kw = optimArgs(
            "adagrad", given, List.of("lr_decay", "initial_accumulator_value", "eps"), SET_ELSEWHERE);
        Adagrad.Settings d = Adagrad.Settings.defaults();
        yield new Adagrad(parameters, kw.build(() -> new Adagrad.Settings(wd, kw.number("lr_decay", d.lrDecay()),
            kw.number("initial_accumulator_value", d.initialAccumulatorValue()), kw.number("eps", d.epsilon()))));
      }
      case RMSPROP -> {
        KeywordArguments kw = optimArgs(
            "rmsprop", given, List.of("alpha", "eps", "momentum", "centered"), SET_ELSEWHERE);
        RmsProp.Settings d = RmsProp.Settings.defaults();
        yield new RmsProp(parameters, kw.build(() -> new RmsProp.Settings(wd, kw.number("alpha", d.alpha()),
            kw.number("eps", d.epsilon()), kw.number("momentum", d.momentum()), kw.bool("centered", false))));
      }
    };
  }

  private static KeywordArguments optimArgs(String optim, Map<String, String> given, List<String> allowed,
      Map<String, String> setElsewhere) {
    return new KeywordArguments("optim_args", "optim=" + optim, given, allowed, setElsewhere);
  }

  /**
   * The schedule of {@code args.lrSchedulerType()} over {@code totalSteps} optimizer steps, with {@code
   * warmup_steps}/{@code warmup_ratio} and {@code lr_scheduler_kwargs} as HF's {@code get_scheduler}.
   *
   * @throws IllegalArgumentException for a kwarg the schedule does not have (listing those it has), a
   *     missing required one, or a bad value
   */
  public static LrScheduler schedule(TrainingArguments args, int totalSteps) {
    return Schedules.create(args, totalSteps);
  }

  /** {@code warmup_steps} when set, else {@code ceil(warmup_ratio * total)}, as HF's {@code get_warmup_steps}. */
  public static int warmupSteps(TrainingArguments args, int totalSteps) {
    return args.warmupSteps() > 0 ? args.warmupSteps() : (int) Math.ceil(totalSteps * args.warmupRatio());
  }

  /**
   * The block's parameters that require gradients, in the order of {@code block.getParameters()} (so
   * stable across runs), skipping BatchNorm's running mean and variance. A parameter gets weight decay
   * unless it is a bias, belongs to a normalization block (BatchNorm, LayerNorm: their gamma and
   * beta), or its name contains {@code bias}, {@code layernorm}, {@code rmsnorm} or {@code batchnorm}
   * (HF's {@code get_decay_parameter_names}, which also matches by name).
   *
   * @throws IllegalArgumentException if the block is not initialized
   */
  public static List<NamedParameter> trainableParameters(Block block) {
    Set<Parameter> normalization = Collections.newSetFromMap(new IdentityHashMap<>());
    collectNormalizationParameters(block, normalization);
    List<NamedParameter> parameters = new ArrayList<>();
    for (Pair<String, Parameter> entry : block.getParameters()) {
      Parameter parameter = entry.getValue();
      if (!parameter.requiresGradient()) {
        continue;
      }
      if (!parameter.isInitialized()) {
        throw new IllegalArgumentException(
            "parameter " + entry.getKey() + " is not initialized; initialize the block first");
      }
      boolean decay = decays(entry.getKey(), parameter, normalization);
      parameters.add(new NamedParameter(entry.getKey(), parameter.getArray(), decay));
    }
    return parameters;
  }

  private static boolean decays(String name, Parameter parameter, Set<Parameter> normalization) {
    Parameter.Type type = parameter.getType();
    if (type == Parameter.Type.BIAS || type == Parameter.Type.GAMMA || type == Parameter.Type.BETA
        || normalization.contains(parameter)) {
      return false;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return NO_DECAY_NAMES.stream().noneMatch(lower::contains);
  }

  private static void collectNormalizationParameters(Block block, Set<Parameter> into) {
    if (block instanceof BatchNorm || block instanceof LayerNorm) {
      block.getParameters().values().forEach(into::add);
    }
    for (Pair<String, Block> child : block.getChildren()) {
      collectNormalizationParameters(child.getValue(), into);
    }
  }
}
