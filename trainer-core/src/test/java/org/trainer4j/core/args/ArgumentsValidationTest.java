package org.trainer4j.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainer4j.core.args.TrainingArgumentsTest.assertMessage;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The checks of HF's {@code TrainingArguments.__post_init__} (and those PyTorch and the Trainer make
 * later in HF), each failing at construction with the option, the value and what is allowed; and the
 * values HF derives.
 */
class ArgumentsValidationTest {

  @Test
  void batchSizesAndAccumulationMustBePositive() {
    assertMessage("per_device_train_batch_size=0 is not allowed; use a positive whole number",
        () -> TrainingArguments.parse("--per_device_train_batch_size", "0"));
    assertMessage("per_device_train_batch_size=-8 is not allowed; use a positive whole number",
        () -> TrainingArguments.builder().perDeviceTrainBatchSize(-8).build());
    assertMessage("per_device_eval_batch_size=0 is not allowed; use a positive whole number",
        () -> TrainingArguments.parse("--per_device_eval_batch_size", "0"));
    assertMessage("gradient_accumulation_steps=0 is not allowed; use a positive whole number",
        () -> TrainingArguments.parse("--gradient_accumulation_steps", "0"));
  }

  @Test
  void optimizerValuesMustBeInRange() {
    assertMessage("learning_rate=-1e-05 is not allowed; use a finite number, 0 or more",
        () -> TrainingArguments.parse("--learning_rate", "-1e-5"));
    assertMessage("learning_rate=Infinity is not allowed; use a finite number, 0 or more",
        () -> TrainingArguments.parse("--learning_rate", "inf"));
    assertEquals(0.0, TrainingArguments.parse("--learning_rate", "0").learningRate(), "0 is allowed, as in PyTorch");
    assertMessage("weight_decay=-0.1 is not allowed; use a finite number, 0 or more",
        () -> TrainingArguments.parse("--weight_decay", "-0.1"));
    assertMessage("adam_beta1=1 is not allowed; use a number in [0, 1)",
        () -> TrainingArguments.parse("--adam_beta1", "1.0"));
    assertMessage("adam_beta2=-0.1 is not allowed; use a number in [0, 1)",
        () -> TrainingArguments.parse("--adam_beta2", "-0.1"));
    assertMessage("adam_epsilon=-1e-08 is not allowed; use a finite number, 0 or more",
        () -> TrainingArguments.parse("--adam_epsilon", "-1e-8"));
    assertMessage("max_grad_norm=-1 is not allowed; use a finite number, 0 or more",
        () -> TrainingArguments.parse("--max_grad_norm", "-1"));
    assertMessage("optim_args=momentum is not allowed: 'momentum' is not key=value; use e.g."
        + " momentum=0.9,nesterov=true", () -> TrainingArguments.parse("--optim_args", "momentum"));
    assertEquals(Optional.of("momentum=0.9, nesterov=true"),
        TrainingArguments.parse("--optim_args", "momentum=0.9, nesterov=true").optimArgs());
  }

  @Test
  void lengthOfTrainingMustBeSet() {
    assertMessage("num_train_epochs=-1 is not allowed; use a finite number, 0 or more",
        () -> TrainingArguments.parse("--num_train_epochs", "-1"));
    assertMessage("num_train_epochs=0 is not allowed; use a positive number of epochs when max_steps is not set",
        () -> TrainingArguments.parse("--num_train_epochs", "0"));
    assertEquals(100, TrainingArguments.parse("--num_train_epochs", "0", "--max_steps", "100").maxSteps());
    assertMessage("max_steps=0 is not allowed; use -1 (train for num_train_epochs) or a positive number of steps",
        () -> TrainingArguments.parse("--max_steps", "0"));
    assertMessage("max_steps=-2 is not allowed; use -1 (train for num_train_epochs) or a positive number of steps",
        () -> TrainingArguments.parse("--max_steps", "-2"));
  }

  @Test
  void warmupSeedsDelayAndLimitsMustBeInRange() {
    assertMessage("warmup_ratio=1.5 is not allowed; use a number in [0, 1]",
        () -> TrainingArguments.parse("--warmup_ratio", "1.5"));
    assertMessage("warmup_steps=-1 is not allowed; use 0 or more", () -> TrainingArguments.parse("--warmup_steps", "-1"));
    assertMessage("eval_delay=-1 is not allowed; use a finite number, 0 or more",
        () -> TrainingArguments.parse("--eval_delay", "-1"));
    assertMessage("seed=-1 is not allowed; use 0 or more", () -> TrainingArguments.parse("--seed", "-1"));
    assertMessage("data_seed=-5 is not allowed; use 0 or more (unset uses seed)",
        () -> TrainingArguments.parse("--data_seed", "-5"));
    assertMessage("save_total_limit=0 is not allowed; use 1 or more (unset keeps all)",
        () -> TrainingArguments.parse("--save_total_limit", "0"));
    assertMessage("output_dir='' is not allowed; use a folder path", () -> TrainingArguments.parse("--output_dir="));
  }

  @Test
  void labelSmoothingFactorIsInZeroToOne() {
    assertEquals(0.1, TrainingArguments.parse("--label_smoothing_factor", "0.1").labelSmoothingFactor());
    assertEquals(0.2, TrainingArguments.fromJson("{\"label_smoothing_factor\": 0.2}").labelSmoothingFactor());
    assertEquals(0.0, TrainingArguments.parse("--label_smoothing_factor", "0").labelSmoothingFactor());
    assertMessage("label_smoothing_factor=1 is not allowed; use a number in [0, 1) (0: no label smoothing)",
        () -> TrainingArguments.parse("--label_smoothing_factor", "1"));
    assertMessage("label_smoothing_factor=-0.1 is not allowed; use a number in [0, 1) (0: no label smoothing)",
        () -> TrainingArguments.builder().labelSmoothingFactor(-0.1).build());
    assertMessage("label_smoothing_factor=NaN is not allowed; use a number in [0, 1) (0: no label smoothing)",
        () -> TrainingArguments.parse("--label_smoothing_factor", "nan"));
  }

  @Test
  void stepIntervalsAreRatiosBelowOneOrWholeStepCounts() {
    assertMessage("logging_steps=0 is not allowed; use a positive number with logging_strategy=steps (a whole"
        + " number of steps, or a ratio of the total below 1)", () -> TrainingArguments.parse("--logging_steps", "0"));
    assertMessage("logging_steps=2.5 is not allowed; use a whole number of steps above 1, or a ratio of the total"
        + " steps below 1", () -> TrainingArguments.parse("--logging_steps", "2.5"));
    assertMessage("eval_steps=10.5 is not allowed; use a whole number of steps above 1, or a ratio of the total"
        + " steps below 1", () -> TrainingArguments.parse("--eval_strategy", "steps", "--eval_steps", "10.5"));
    assertMessage("save_steps=1.5 is not allowed; use a whole number of steps above 1, or a ratio of the total"
        + " steps below 1", () -> TrainingArguments.parse("--save_steps", "1.5"));
    assertMessage("save_steps=-100 is not allowed; use a positive number with save_strategy=steps (a whole"
        + " number of steps, or a ratio of the total below 1)", () -> TrainingArguments.parse("--save_steps", "-100"));

    TrainingArguments ratios = TrainingArguments.parse("--logging_steps", "0.1", "--eval_strategy", "steps",
        "--eval_steps", "0.25", "--save_steps", "0.5");
    assertEquals(0.1, ratios.loggingSteps());
    assertEquals(Optional.of(0.25), ratios.evalSteps());
    assertEquals(0.5, ratios.saveSteps());
    assertEquals(1.0, TrainingArguments.parse("--logging_steps", "1").loggingSteps());
    assertEquals(20.0, TrainingArguments.parse("--save_steps", "20.0").saveSteps(), "a whole float is a step count");
  }

  @Test
  void intervalsAreOnlyCheckedForTheStrategyThatUsesThemAsHfDoes() {
    TrainingArguments a = TrainingArguments.parse("--logging_strategy", "epoch", "--logging_steps", "0",
        "--save_strategy", "no", "--save_steps", "2.5", "--eval_steps", "7.5");

    assertEquals(0.0, a.loggingSteps());
    assertEquals(2.5, a.saveSteps());
    assertEquals(Optional.of(7.5), a.evalSteps());
  }

  @Test
  void evalStepsFallBackToLoggingSteps() {
    assertEquals(Optional.of(50.0), TrainingArguments.parse("--eval_strategy", "steps", "--logging_steps", "50").evalSteps());
    assertEquals(Optional.of(0.2), TrainingArguments.parse("--eval_strategy", "steps", "--logging_steps", "0.2").evalSteps());
    assertEquals(Optional.of(500.0), TrainingArguments.parse("--eval_strategy", "steps", "--eval_steps", "0").evalSteps(),
        "HF treats eval_steps=0 as unset");
    assertEquals(Optional.of(30.0), TrainingArguments.parse("--eval_strategy", "steps", "--eval_steps", "30").evalSteps());
    assertEquals(Optional.empty(), TrainingArguments.parse("--eval_strategy", "epoch").evalSteps());
  }

  @Test
  void evalByStepsNeedsEvalStepsOrLoggingSteps() {
    assertMessage("eval_steps=unset is not allowed; use a positive number with eval_strategy=steps (unset takes"
        + " logging_steps, but logging_steps=0)",
        () -> TrainingArguments.parse("--eval_strategy", "steps", "--logging_strategy", "no", "--logging_steps", "0"));
  }

  @Test
  void evaluatingTurnsDoEvalOn() {
    assertTrue(TrainingArguments.parse("--eval_strategy", "epoch").doEval());
    assertTrue(TrainingArguments.parse("--eval_strategy", "steps").doEval());
    assertFalse(TrainingArguments.parse().doEval());
  }

  @Test
  void loadBestModelNeedsMatchingStrategies() {
    assertMessage("load_best_model_at_end=true is not allowed; use only with eval_strategy=steps or epoch"
        + " (eval_strategy=no)", () -> TrainingArguments.parse("--load_best_model_at_end"));
    assertMessage("load_best_model_at_end=true is not allowed with save_strategy=epoch and eval_strategy=steps;"
        + " use the same strategy for both, or save_strategy=best",
        () -> TrainingArguments.parse("--load_best_model_at_end", "--eval_strategy", "steps", "--save_strategy", "epoch"));
    assertMessage("load_best_model_at_end=true is not allowed with save_strategy=no and eval_strategy=epoch;"
        + " use the same strategy for both, or save_strategy=best",
        () -> TrainingArguments.parse("--load_best_model_at_end", "--eval_strategy", "epoch", "--save_strategy", "no"));

    TrainingArguments best = TrainingArguments.parse("--load_best_model_at_end", "--eval_strategy", "steps",
        "--eval_steps", "100", "--save_strategy", "best");
    assertEquals(SaveStrategy.BEST, best.saveStrategy());
    assertTrue(TrainingArguments.parse("--load_best_model_at_end", "--eval_strategy", "epoch", "--save_strategy",
        "epoch").loadBestModelAtEnd());
  }

  @Test
  void loadBestModelNeedsSaveStepsAMultipleOfEvalSteps() {
    assertMessage("load_best_model_at_end=true is not allowed with save_steps=300 and eval_steps=200; use a save_steps"
        + " that is a whole multiple of eval_steps", () -> TrainingArguments.parse("--load_best_model_at_end",
        "--eval_strategy", "steps", "--eval_steps", "200", "--save_steps", "300"));
    assertMessage("load_best_model_at_end=true is not allowed with save_steps=100 and eval_steps=200; use a save_steps"
        + " that is a whole multiple of eval_steps", () -> TrainingArguments.parse("--load_best_model_at_end",
        "--eval_strategy", "steps", "--eval_steps", "200", "--save_steps", "100"));
    assertMessage("load_best_model_at_end=true is not allowed with save_steps=0.5 and eval_steps=100; give both as"
        + " step counts or both as ratios below 1, so that every save follows an evaluation",
        () -> TrainingArguments.parse("--load_best_model_at_end", "--eval_strategy", "steps", "--eval_steps", "100",
            "--save_steps", "0.5"));
    assertMessage("load_best_model_at_end=true is not allowed with save_steps=0.25 and eval_steps=0.1; use a save_steps"
        + " that is a whole multiple of eval_steps", () -> TrainingArguments.parse("--load_best_model_at_end",
        "--eval_strategy", "steps", "--eval_steps", "0.1", "--save_steps", "0.25"));

    for (String[] ok : List.of(new String[] {"500", "1000"}, new String[] {"0.1", "0.3"}, new String[] {"0.2", "0.2"})) {
      TrainingArguments a = TrainingArguments.parse("--load_best_model_at_end", "--eval_strategy", "steps",
          "--eval_steps", ok[0], "--save_steps", ok[1]);
      assertTrue(a.loadBestModelAtEnd(), String.join("/", ok));
    }
    assertEquals(Optional.of(500.0), TrainingArguments.parse("--load_best_model_at_end", "--eval_strategy", "steps")
        .evalSteps(), "eval_steps from logging_steps=500 divides save_steps=500");
  }

  @Test
  void bestModelMetricAndDirectionAreDerivedAsHf() {
    TrainingArguments loss = TrainingArguments.parse("--load_best_model_at_end", "--eval_strategy", "epoch",
        "--save_strategy", "epoch");
    assertEquals(Optional.of("loss"), loss.metricForBestModel());
    assertEquals(Optional.of(false), loss.greaterIsBetter());

    TrainingArguments accuracy = TrainingArguments.parse("--metric_for_best_model", "accuracy");
    assertEquals(Optional.of(true), accuracy.greaterIsBetter());
    assertEquals(Optional.of(false), TrainingArguments.parse("--metric_for_best_model", "eval_loss").greaterIsBetter());
    assertEquals(Optional.of(false), TrainingArguments.parse("--metric_for_best_model", "accuracy",
        "--greater_is_better", "false").greaterIsBetter());
    assertEquals(Optional.empty(), TrainingArguments.parse().metricForBestModel());
    assertEquals(Optional.of("loss"), TrainingArguments.parse("--lr_scheduler_type", "reduce_lr_on_plateau",
        "--eval_strategy", "epoch").metricForBestModel());
  }

  @Test
  void saveBestNeedsAMetricAndEvaluations() {
    assertMessage("save_strategy=best is not allowed; use only with metric_for_best_model set (or"
        + " load_best_model_at_end=true, which defaults it to loss)",
        () -> TrainingArguments.parse("--save_strategy", "best", "--eval_strategy", "epoch"));
    assertMessage("save_strategy=best is not allowed; use only with eval_strategy=steps or epoch, which produce the"
        + " metric (eval_strategy=no)", () -> TrainingArguments.parse("--save_strategy", "best",
        "--metric_for_best_model", "accuracy"));
    assertEquals(SaveStrategy.BEST, TrainingArguments.parse("--save_strategy", "best", "--eval_strategy", "epoch",
        "--metric_for_best_model", "accuracy").saveStrategy());
  }

  @Test
  void plateauScheduleNeedsEvaluations() {
    assertMessage("lr_scheduler_type=reduce_lr_on_plateau is not allowed; use only with eval_strategy=steps or epoch:"
        + " it reads metric_for_best_model (eval_strategy=no)",
        () -> TrainingArguments.parse("--lr_scheduler_type", "reduce_lr_on_plateau"));
  }

  @Test
  void listOptionsTakeKnownValues() {
    assertMessage("include_for_metrics=logits is not allowed; use inputs, loss or both",
        () -> TrainingArguments.parse("--include_for_metrics", "inputs", "logits"));
    assertMessage("report_to=all wandb is not allowed; use all or none alone, or integration names without them",
        () -> TrainingArguments.parse("--report_to", "all", "wandb"));
    assertMessage("report_to=none tensorboard is not allowed; use all or none alone, or integration names without"
        + " them", () -> TrainingArguments.parse("--report_to", "none", "tensorboard"));
    assertMessage("report_to=' ' is not allowed; use all, none or integration names",
        () -> TrainingArguments.parse("--report_to", " "));
  }

  @Test
  void runNameDefaultsToOutputDir() {
    assertEquals("out/a", TrainingArguments.parse("--output_dir", "out/a").runName());
    assertEquals("b", TrainingArguments.parse("--output_dir", "out/a", "--run_name", "b").runName());
  }
}
