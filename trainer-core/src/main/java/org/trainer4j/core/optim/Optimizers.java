package org.trainer4j.core.optim;

import java.util.List;
import org.trainer4j.core.TrainingArguments;

/** Builds the optimizer and learning-rate schedule that {@code optim} and {@code lr_scheduler_type} name. */
public final class Optimizers {
  private Optimizers() {}

  /** The optimizer of {@code args.optim()} for these parameters. */
  public static Optimizer create(TrainingArguments args, List<NamedParameter> parameters) {
    return switch (args.optim()) {
      case ADAMW_TORCH -> new AdamW(parameters, args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(),
          args.weightDecay());
      default -> throw new IllegalArgumentException("optim=" + args.optim() + " is not built yet; use adamw_torch");
    };
  }

  /** The schedule of {@code args.lrSchedulerType()} over {@code totalSteps} optimizer steps. */
  public static LrScheduler schedule(TrainingArguments args, int totalSteps) {
    int warmup = warmupSteps(args, totalSteps);
    return switch (args.lrSchedulerType()) {
      case LINEAR -> new LinearSchedule(args.learningRate(), warmup, totalSteps);
      default -> throw new IllegalArgumentException(
          "lr_scheduler_type=" + args.lrSchedulerType() + " is not built yet; use linear");
    };
  }

  /** {@code warmup_steps} when set, else {@code ceil(warmup_ratio * total)}, as HF's {@code get_warmup_steps}. */
  public static int warmupSteps(TrainingArguments args, int totalSteps) {
    return args.warmupSteps() > 0 ? args.warmupSteps() : (int) Math.ceil(totalSteps * args.warmupRatio());
  }
}
