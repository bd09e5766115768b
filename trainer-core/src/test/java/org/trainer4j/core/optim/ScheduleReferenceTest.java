package org.trainer4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.trainer4j.core.optim.Reference.list;
import static org.trainer4j.core.optim.Reference.map;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trainer4j.core.args.TrainingArguments;

/**
 * Every lr_scheduler_type, built from TrainingArguments, against torch's LambdaLR driven by HF's
 * multipliers, and reduce_lr_on_plateau against torch's ReduceLROnPlateau.
 */
class ScheduleReferenceTest {
  /** Learning rates are doubles computed as in Python; only the last bits may differ (Math.cos vs libm). */
  private static final double LR_FLOOR = 1e-15;

  static Stream<Named<Map<String, Object>>> schedules() {
    return Reference.cases("schedules.json");
  }

  static Stream<Named<Map<String, Object>>> plateaus() {
    return Reference.cases("plateau.json");
  }

  static TrainingArguments arguments(Map<String, Object> c) {
    TrainingArguments.Builder b = TrainingArguments.builder()
        .lrSchedulerType((String) c.getOrDefault("lr_scheduler_type", "reduce_lr_on_plateau"))
        .learningRate(((Number) c.get("learning_rate")).doubleValue())
        .lrSchedulerKwargs(c.containsKey("lr_scheduler_kwargs") ? map(c.get("lr_scheduler_kwargs")) : Map.of());
    if (c.containsKey("max_steps")) {
      b.maxSteps(((Number) c.get("max_steps")).intValue());
    }
    if (c.containsKey("warmup_steps")) {
      b.warmupSteps(((Number) c.get("warmup_steps")).intValue());
    }
    if (c.containsKey("warmup_ratio")) {
      b.warmupRatio(((Number) c.get("warmup_ratio")).doubleValue());
    }
    if (!c.containsKey("lr_scheduler_type")) {
      b.evalStrategy("steps").evalSteps(10);
    }
    return b.build();
  }

  @ParameterizedTest
  @MethodSource("schedules")
  void followsHfCurve(Map<String, Object> c) {
    TrainingArguments args = arguments(c);
    LrScheduler schedule = Optimizers.schedule(args, args.maxSteps());
    assertEquals(c.get("lr_scheduler_type"), schedule.name());
    List<Object> lrs = list(c, "lrs");
    for (int step = 0; step < lrs.size(); step++) {
      Reference.assertClose(((Number) lrs.get(step)).doubleValue(), schedule.lastLr(), LR_FLOOR,
          c.get("name") + " after " + step + " steps");
      schedule.step();
    }
  }

  @ParameterizedTest
  @MethodSource("plateaus")
  void reducesOnPlateauAsPyTorch(Map<String, Object> c) {
    LrScheduler schedule = Optimizers.schedule(arguments(c), 100);
    List<Object> metrics = list(c, "metrics");
    List<Object> lrs = list(c, "lrs");
    for (int i = 0; i < metrics.size(); i++) {
      // Optimizer steps between evaluations do not move it; evaluations do.
      schedule.step();
      schedule.onEvaluate(Map.of("eval_loss", metrics.get(i), "eval_runtime", 0.5, "epoch", 1.0));
      Reference.assertClose(((Number) lrs.get(i)).doubleValue(), schedule.lastLr(), LR_FLOOR,
          c.get("name") + " after evaluation " + (i + 1));
    }
  }
}
