package org.trainer4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.args.TrainingArguments;

/** What users see when they configure optim, optim_args, lr_scheduler_type and lr_scheduler_kwargs. */
class OptimizersTest {
  /** The message a user sees: a malformed string fails when the arguments are built, a bad key when the optimizer is. */
  private static String optimError(String optim, String optimArgs) {
    return assertThrows(IllegalArgumentException.class, () -> Optimizers.create(
        TrainingArguments.builder().optim(optim).optimArgs(optimArgs).build(), List.of())).getMessage();
  }

  private static String scheduleError(String type, Map<String, ?> kwargs) {
    TrainingArguments args = TrainingArguments.builder().lrSchedulerType(type).lrSchedulerKwargs(kwargs)
        .evalStrategy("epoch").build();
    return assertThrows(IllegalArgumentException.class, () -> Optimizers.schedule(args, 100)).getMessage();
  }

  @Test
  void optimArgsConfigureEachOptimizer() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("adamw", "{beta1=0.9, beta2=0.999, eps=1.0E-8, weight_decay=0.0, amsgrad=true}");
    expected.put("sgd", "{weight_decay=0.0, momentum=0.9, dampening=0.0, nesterov=true}");
    expected.put("adagrad", "{weight_decay=0.0, lr_decay=0.01, initial_accumulator_value=0.1, eps=1.0E-6}");
    expected.put("rmsprop", "{weight_decay=0.0, alpha=0.9, eps=1.0E-8, momentum=0.5, centered=true}");
    Map<String, String> optimArgs = Map.of(
        "adamw", "amsgrad=True",
        "sgd", "momentum=0.9, nesterov=true",
        "adagrad", "lr_decay=0.01,initial_accumulator_value=0.1,eps=1e-6",
        "rmsprop", "alpha=0.9,momentum=0.5,centered=yes");
    expected.forEach((optim, settings) -> {
      TrainingArguments args = TrainingArguments.builder().optim(optim).optimArgs(optimArgs.get(optim)).build();
      try (Optimizer optimizer = Optimizers.create(args, List.of())) {
        assertEquals(settings, optimizer.state().scalars().get("hyperparameters").toString(), optim);
      }
    });
  }

  @Test
  void optimArgsErrorsNameTheKeyAndWhatIsAllowed() {
    assertEquals("optim_args key 'nesterov' is not allowed for optim=rmsprop; allowed keys: alpha, eps,"
        + " momentum, centered", optimError("rmsprop", "momentum=0.9,nesterov=true"));
    assertEquals("optim_args key 'weight_decay' is not allowed for optim=sgd: set the training argument"
        + " weight_decay instead; allowed keys: momentum, dampening, nesterov", optimError("sgd", "weight_decay=0.1"));
    assertEquals("optim_args key 'eps' is not allowed for optim=adamw_torch: set the training argument"
        + " adam_epsilon instead; allowed keys: amsgrad", optimError("adamw_torch", "eps=1e-6"));
    assertEquals("optim_args momentum=fast is not allowed for optim=sgd; use a number",
        optimError("sgd", "momentum=fast"));
    assertEquals("optim_args centered=maybe is not allowed for optim=rmsprop; use true or false",
        optimError("rmsprop", "centered=maybe"));
    assertEquals("optim_args=momentum is not allowed: 'momentum' is not key=value; use e.g."
        + " momentum=0.9,nesterov=true", optimError("sgd", "momentum"));
    assertEquals("optim_args=momentum=0.9,momentum=0.8 is not allowed: key 'momentum' is given twice",
        optimError("sgd", "momentum=0.9,momentum=0.8"));
    assertEquals("optim_args for optim=sgd: nesterov=true is not allowed with momentum=0.0 and dampening=0.0;"
        + " Nesterov momentum needs momentum > 0 and dampening=0", optimError("sgd", "nesterov=true"));
    assertEquals("optim_args for optim=adagrad: lr_decay=-0.5 is not allowed; use 0 or more",
        optimError("adagrad", "lr_decay=-0.5"));
  }

  @Test
  void scheduleKwargsErrorsNameTheKwargTheScheduleAndTheAllowedOnes() {
    assertEquals("lr_scheduler_kwargs key 'power' is not allowed for lr_scheduler_type=cosine; allowed keys:"
        + " num_cycles", scheduleError("cosine", Map.of("power", 2)));
    assertEquals("lr_scheduler_kwargs key 'num_cycles' is not allowed for lr_scheduler_type=linear; allowed"
        + " keys: none", scheduleError("linear", Map.of("num_cycles", 2)));
    assertEquals("lr_scheduler_kwargs key 'num_warmup_steps' is not allowed for lr_scheduler_type=inverse_sqrt:"
        + " set the training argument warmup_steps (or warmup_ratio) instead; allowed keys: timescale",
        scheduleError("inverse_sqrt", Map.of("num_warmup_steps", 2)));
    assertEquals("lr_scheduler_kwargs num_cycles=many is not allowed for lr_scheduler_type=cosine; use a number",
        scheduleError("cosine", Map.of("num_cycles", "many")));
    assertEquals("lr_scheduler_type=warmup_stable_decay needs lr_scheduler_kwargs num_decay_steps (e.g."
        + " {\"num_decay_steps\": 100})", scheduleError("warmup_stable_decay", Map.of()));
    assertEquals("lr_scheduler_kwargs num_decay_steps=2.5 is not allowed for lr_scheduler_type=warmup_stable_decay;"
        + " use a whole number", scheduleError("warmup_stable_decay", Map.of("num_decay_steps", 2.5)));
    assertEquals("lr_scheduler_kwargs decay_type=exp is not allowed for lr_scheduler_type=warmup_stable_decay;"
        + " use one of linear, cosine, 1-sqrt",
        scheduleError("warmup_stable_decay", Map.of("num_decay_steps", 5, "decay_type", "exp")));
    assertEquals("lr_scheduler_kwargs for lr_scheduler_type=cosine_with_min_lr needs exactly one of min_lr and"
        + " min_lr_rate (e.g. {\"min_lr_rate\": 0.1}); given: []", scheduleError("cosine_with_min_lr", Map.of()));
    assertEquals("lr_scheduler_kwargs lr_end=1.0 is not allowed for lr_scheduler_type=polynomial; use a value"
        + " below learning_rate=5.0E-5", scheduleError("polynomial", Map.of("lr_end", 1.0)));
    assertEquals("lr_scheduler_kwargs mode=up is not allowed for lr_scheduler_type=reduce_lr_on_plateau; use one"
        + " of min, max", scheduleError("reduce_lr_on_plateau", Map.of("mode", "up")));
    assertEquals("lr_scheduler_kwargs for lr_scheduler_type=reduce_lr_on_plateau: factor=1.5 is not allowed;"
        + " use a number in [0, 1)", scheduleError("reduce_lr_on_plateau", Map.of("factor", 1.5)));
    assertEquals("lr_scheduler_kwargs key 'gamma' is not allowed for lr_scheduler_type=reduce_lr_on_plateau;"
        + " allowed keys: mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps",
        scheduleError("reduce_lr_on_plateau", Map.of("gamma", 0.5)));
  }

  @Test
  void kwargsFromTheCommandLineWork() {
    TrainingArguments args = TrainingArguments.parse("--output_dir", "out", "--lr_scheduler_type",
        "cosine_with_restarts", "--lr_scheduler_kwargs", "{\"num_cycles\": 2}", "--max_steps", "10",
        "--learning_rate", "1e-3", "--optim", "sgd", "--optim_args", "momentum=0.9");
    LrScheduler schedule = Optimizers.schedule(args, 10);
    for (int i = 0; i < 5; i++) {
      schedule.step();
    }
    assertEquals(1e-3 * LrLambdas.cosineWithHardRestarts(5, 0, 10, 2), schedule.lastLr());
    assertEquals(1e-3, schedule.lastLr(), 1e-18, "second cycle restarts at the base rate");
    try (Optimizer optimizer = Optimizers.create(args, List.of())) {
      assertEquals(0.9, Reference.map(optimizer.state().scalars().get("hyperparameters")).get("momentum"));
    }
  }

  @Test
  void plateauReadsEvalMetricForBestModelAndListsWhatEvaluationProduced() {
    TrainingArguments args = TrainingArguments.builder().lrSchedulerType("reduce_lr_on_plateau")
        .evalStrategy("epoch").metricForBestModel("accuracy").lrSchedulerKwargs(Map.of("mode", "max")).build();
    LrScheduler schedule = Optimizers.schedule(args, 10);
    assertEquals("eval_accuracy", ((ReduceLrOnPlateau) schedule).metric());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> schedule.onEvaluate(Map.of("eval_loss", 0.3, "eval_f1", 0.8, "epoch", 1.0)));
    assertEquals("reduce_lr_on_plateau reads the metric 'eval_accuracy' (metric_for_best_model), which the"
        + " evaluation did not produce; the evaluation produced: epoch, eval_f1, eval_loss", e.getMessage());
    schedule.onEvaluate(Map.of("eval_accuracy", 0.7));
    assertEquals(5e-5, schedule.lastLr());
  }

  @Test
  void warmupComesFromStepsOrRatio() {
    assertEquals(3, Optimizers.warmupSteps(TrainingArguments.builder().warmupSteps(3).warmupRatio(0.5).build(), 10));
    assertEquals(2, Optimizers.warmupSteps(TrainingArguments.builder().warmupRatio(0.1).build(), 17));
    assertEquals(0, Optimizers.warmupSteps(TrainingArguments.builder().build(), 17));
  }

  @Test
  void trainableParametersSkipRunningStatsAndExemptBiasesAndNormalization() {
    try (NDManager manager = NDManager.newBaseManager()) {
      SequentialBlock inner = new SequentialBlock()
          .add(LayerNorm.builder().build())
          .add(Linear.builder().setUnits(2).optBias(false).build());
      Block block = new SequentialBlock()
          .add(Linear.builder().setUnits(4).build())
          .add(BatchNorm.builder().build())
          .add(inner)
          .add(Linear.builder().setUnits(3).build());
      block.initialize(manager, DataType.FLOAT32, new Shape(2, 5));
      Map<String, Boolean> decay = new LinkedHashMap<>();
      for (NamedParameter p : Optimizers.trainableParameters(block)) {
        decay.put(p.name(), p.decay());
      }
      Map<String, Boolean> expected = new LinkedHashMap<>();
      expected.put("01Linear_weight", true);
      expected.put("01Linear_bias", false);
      expected.put("02BatchNorm_gamma", false);
      expected.put("02BatchNorm_beta", false);
      expected.put("03SequentialBlock_01LayerNorm_gamma", false);
      expected.put("03SequentialBlock_01LayerNorm_beta", false);
      expected.put("03SequentialBlock_02Linear_weight", true);
      expected.put("04Linear_weight", true);
      expected.put("04Linear_bias", false);
      assertEquals(expected, decay);
    }
  }

  @Test
  void trainableParametersNeedAnInitializedBlock() {
    Block block = Linear.builder().setUnits(2).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Optimizers.trainableParameters(block));
    assertEquals("parameter weight is not initialized; initialize the block first", e.getMessage());
  }
}
