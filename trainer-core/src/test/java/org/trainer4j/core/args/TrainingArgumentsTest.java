package org.trainer4j.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.trainer4j.core.json.PyJson;

/** Defaults (HF 4.50's), the builder, derived values and the JSON round trip of {@link TrainingArguments}. */
class TrainingArgumentsTest {

  @Test
  void everyDefaultIsHfs() {
    TrainingArguments a = TrainingArguments.builder().build();

    assertEquals(Path.of("trainer_output"), a.outputDir());
    assertFalse(a.overwriteOutputDir());
    assertFalse(a.doTrain());
    assertFalse(a.doEval());
    assertFalse(a.doPredict());
    assertEquals(IntervalStrategy.NO, a.evalStrategy());
    assertEquals(Optional.empty(), a.evalSteps());
    assertEquals(0.0, a.evalDelay());
    assertFalse(a.evalOnStart());
    assertEquals(8, a.perDeviceTrainBatchSize());
    assertEquals(8, a.perDeviceEvalBatchSize());
    assertEquals(1, a.gradientAccumulationSteps());
    assertEquals(5e-5, a.learningRate());
    assertEquals(0.0, a.weightDecay());
    assertEquals(0.9, a.adamBeta1());
    assertEquals(0.999, a.adamBeta2());
    assertEquals(1e-8, a.adamEpsilon());
    assertEquals(1.0, a.maxGradNorm());
    assertEquals(3.0, a.numTrainEpochs());
    assertEquals(-1, a.maxSteps());
    assertEquals(SchedulerType.LINEAR, a.lrSchedulerType());
    assertEquals(Map.of(), a.lrSchedulerKwargs());
    assertEquals(0.0, a.warmupRatio());
    assertEquals(0, a.warmupSteps());
    assertEquals(0.0, a.labelSmoothingFactor());
    assertEquals(OptimizerType.ADAMW_TORCH, a.optim());
    assertEquals(Optional.empty(), a.optimArgs());
    assertEquals(Optional.empty(), a.loggingDir());
    assertEquals(IntervalStrategy.STEPS, a.loggingStrategy());
    assertFalse(a.loggingFirstStep());
    assertEquals(500.0, a.loggingSteps());
    assertTrue(a.loggingNanInfFilter());
    assertEquals(SaveStrategy.STEPS, a.saveStrategy());
    assertEquals(500.0, a.saveSteps());
    assertEquals(Optional.empty(), a.saveTotalLimit());
    assertFalse(a.saveOnlyModel());
    assertEquals(42, a.seed());
    assertEquals(Optional.empty(), a.dataSeed());
    assertFalse(a.dataloaderDropLast());
    assertEquals(SamplingStrategy.RANDOM, a.trainSamplingStrategy());
    assertFalse(a.groupByLength());
    assertEquals("length", a.lengthColumnName());
    assertEquals(0, a.dataloaderNumWorkers());
    assertEquals(Optional.empty(), a.dataloaderPrefetchFactor());
    assertFalse(a.ignoreDataSkip());
    assertEquals(Optional.empty(), a.evalAccumulationSteps());
    assertFalse(a.batchEvalMetrics());
    assertEquals("trainer_output", a.runName(), "HF v4 names the run after output_dir");
    assertEquals(Optional.empty(), a.disableTqdm());
    assertEquals(List.of(), a.labelNames());
    assertFalse(a.loadBestModelAtEnd());
    assertEquals(Optional.empty(), a.metricForBestModel());
    assertEquals(Optional.empty(), a.greaterIsBetter());
    assertEquals(List.of("all"), a.reportTo());
    assertEquals(Optional.empty(), a.resumeFromCheckpoint());
    assertEquals(List.of(), a.includeForMetrics());
    assertFalse(a.restoreCallbackStatesFromCheckpoint());
  }

  @Test
  void everyOptionHasItsHfNameInOrder() {
    assertEquals(List.of("output_dir", "overwrite_output_dir", "do_train", "do_eval", "do_predict", "eval_strategy",
        "eval_steps", "eval_delay", "eval_on_start", "per_device_train_batch_size", "per_device_eval_batch_size",
        "gradient_accumulation_steps", "learning_rate", "weight_decay", "adam_beta1", "adam_beta2", "adam_epsilon",
        "max_grad_norm", "num_train_epochs", "max_steps", "lr_scheduler_type", "lr_scheduler_kwargs", "warmup_ratio",
        "warmup_steps", "label_smoothing_factor", "optim", "optim_args", "logging_dir", "logging_strategy", "logging_first_step",
        "logging_steps", "logging_nan_inf_filter", "save_strategy", "save_steps", "save_total_limit",
        "save_only_model", "seed", "data_seed", "dataloader_drop_last", "train_sampling_strategy",
        "group_by_length", "length_column_name", "dataloader_num_workers", "dataloader_prefetch_factor", "ignore_data_skip", "eval_accumulation_steps", "batch_eval_metrics", "run_name",
        "disable_tqdm", "label_names",
        "load_best_model_at_end", "metric_for_best_model", "greater_is_better", "report_to",
        "resume_from_checkpoint", "include_for_metrics", "restore_callback_states_from_checkpoint"),
        ArgumentParser.optionNames());
    assertEquals(ArgumentParser.optionNames(), List.copyOf(TrainingArguments.builder().build().toMap().keySet()));
  }

  @Test
  void builderSetsEveryOption() {
    TrainingArguments a = everythingChanged();

    assertEquals(Path.of("out/run1"), a.outputDir());
    assertTrue(a.overwriteOutputDir());
    assertTrue(a.doTrain());
    assertTrue(a.doEval());
    assertTrue(a.doPredict());
    assertEquals(IntervalStrategy.STEPS, a.evalStrategy());
    assertEquals(Optional.of(50.0), a.evalSteps());
    assertEquals(100.0, a.evalDelay());
    assertTrue(a.evalOnStart());
    assertEquals(16, a.perDeviceTrainBatchSize());
    assertEquals(32, a.perDeviceEvalBatchSize());
    assertEquals(4, a.gradientAccumulationSteps());
    assertEquals(3e-5, a.learningRate());
    assertEquals(0.01, a.weightDecay());
    assertEquals(0.8, a.adamBeta1());
    assertEquals(0.98, a.adamBeta2());
    assertEquals(1e-6, a.adamEpsilon());
    assertEquals(0.5, a.maxGradNorm());
    assertEquals(2.5, a.numTrainEpochs());
    assertEquals(1000, a.maxSteps());
    assertEquals(SchedulerType.COSINE_WITH_RESTARTS, a.lrSchedulerType());
    assertEquals(Map.of("num_cycles", 2L), a.lrSchedulerKwargs());
    assertEquals(0.1, a.warmupRatio());
    assertEquals(10, a.warmupSteps());
    assertEquals(0.1, a.labelSmoothingFactor());
    assertEquals(OptimizerType.SGD, a.optim());
    assertEquals(Optional.of("momentum=0.9"), a.optimArgs());
    assertEquals(Optional.of(Path.of("logs")), a.loggingDir());
    assertEquals(IntervalStrategy.STEPS, a.loggingStrategy());
    assertTrue(a.loggingFirstStep());
    assertEquals(25.0, a.loggingSteps());
    assertFalse(a.loggingNanInfFilter());
    assertEquals(SaveStrategy.STEPS, a.saveStrategy());
    assertEquals(100.0, a.saveSteps());
    assertEquals(Optional.of(3), a.saveTotalLimit());
    assertTrue(a.saveOnlyModel());
    assertEquals(7, a.seed());
    assertEquals(Optional.of(11), a.dataSeed());
    assertTrue(a.dataloaderDropLast());
    assertEquals(SamplingStrategy.SEQUENTIAL, a.trainSamplingStrategy());
    assertEquals("first run", a.runName());
    assertEquals(Optional.of(true), a.disableTqdm());
    assertEquals(List.of("labels", "mask"), a.labelNames());
    assertTrue(a.loadBestModelAtEnd());
    assertEquals(Optional.of("accuracy"), a.metricForBestModel());
    assertEquals(Optional.of(true), a.greaterIsBetter());
    assertEquals(List.of("tensorboard", "wandb"), a.reportTo());
    assertEquals(Optional.of("out/run0/checkpoint-500"), a.resumeFromCheckpoint());
    assertEquals(List.of("inputs", "loss"), a.includeForMetrics());
    assertTrue(a.restoreCallbackStatesFromCheckpoint());
  }

  @Test
  void toJsonThenFromJsonGivesAnEqualValue() {
    for (TrainingArguments a : List.of(TrainingArguments.builder().build(), everythingChanged())) {
      TrainingArguments back = TrainingArguments.fromJson(a.toJson());

      assertEquals(a, back);
      assertEquals(a.hashCode(), back.hashCode());
      assertEquals(a.toJson(), back.toJson());
    }
  }

  @Test
  void toJsonWritesHfNamesAndValuesWithTwoSpaceIndentLikeToJsonString() {
    String json = everythingChanged().toJson();

    assertTrue(json.startsWith("{\n  \"output_dir\": \"out/run1\",\n  \"overwrite_output_dir\": true,\n"), json);
    assertTrue(json.contains("\n  \"eval_strategy\": \"steps\",\n  \"eval_steps\": 50.0,\n"), json);
    assertTrue(json.contains("\n  \"learning_rate\": 3e-05,\n"), json);
    assertTrue(json.contains("\n  \"lr_scheduler_kwargs\": {\n    \"num_cycles\": 2\n  },\n"), json);
    assertTrue(json.contains("\n  \"report_to\": [\n    \"tensorboard\",\n    \"wandb\"\n  ],\n"), json);
    assertTrue(json.endsWith("\n  \"restore_callback_states_from_checkpoint\": true\n}\n"), json);
    Map<?, ?> parsed = (Map<?, ?>) PyJson.loads(TrainingArguments.builder().build().toJson());
    assertEquals(null, parsed.get("eval_steps"), "unset options are null, as HF writes None");
  }

  @Test
  void fromJsonTakesHfDefaultsForMissingNamesAndNullOutputDir() {
    assertEquals(TrainingArguments.builder().build(), TrainingArguments.fromJson("{}"));
    assertEquals(Path.of("trainer_output"), TrainingArguments.fromJson("{\"output_dir\": null}").outputDir());
    assertEquals(List.of("wandb"), TrainingArguments.fromJson("{\"report_to\": \"wandb\"}").reportTo(),
        "HF accepts one name as a string");
    assertEquals(Map.of("num_cycles", 2L),
        TrainingArguments.fromJson("{\"lr_scheduler_kwargs\": \"{\\\"num_cycles\\\": 2}\"}").lrSchedulerKwargs(),
        "HF accepts a dict field as a JSON string");
  }

  @Test
  void fromJsonRefusesUnknownNamesNamingEachWithTheClosestOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingArguments.fromJson("{\"fp16\": true, \"learning_rat\": 1e-4}"));

    assertEquals("fp16 is an option of HF's TrainingArguments that Trainer4J does not support yet; unknown option"
        + " learning_rat (did you mean learning_rate?); --help lists every option", e.getMessage());
  }

  @Test
  void fromJsonRejectsValuesOfTheWrongKind() {
    assertMessage("max_steps=2.5 is not allowed; use a whole number from -2147483648 to 2147483647",
        () -> TrainingArguments.fromJson("{\"max_steps\": 2.5}"));
    assertMessage("max_steps=3000000000 is not allowed; use a whole number from -2147483648 to 2147483647",
        () -> TrainingArguments.fromJson("{\"max_steps\": 3000000000}"));
    assertMessage("learning_rate=null is not allowed; use a number such as 3e-05 or 0.5",
        () -> TrainingArguments.fromJson("{\"learning_rate\": null}"));
    assertMessage("learning_rate=fast is not allowed; use a number such as 3e-05 or 0.5",
        () -> TrainingArguments.fromJson("{\"learning_rate\": \"fast\"}"));
    assertMessage("do_train=maybe is not allowed; use true or false (also yes/no, t/f, y/n, 1/0)",
        () -> TrainingArguments.fromJson("{\"do_train\": \"maybe\"}"));
    assertMessage("lr_scheduler_kwargs=[1] is not allowed; use a JSON object such as {\"num_cycles\": 2}",
        () -> TrainingArguments.fromJson("{\"lr_scheduler_kwargs\": [1]}"));
    assertMessage("eval_strategy=sometimes is not allowed; use one of: no, steps, epoch",
        () -> TrainingArguments.fromJson("{\"eval_strategy\": \"sometimes\"}"));
    assertMessage("training arguments JSON must be an object of option names", () -> TrainingArguments.fromJson("[]"));
  }

  @Test
  void schedulerKwargsFromJavaEqualTheSameFromJson() {
    TrainingArguments fromJava = TrainingArguments.builder().lrSchedulerKwargs(Map.of("num_cycles", 2, "power", 1.5f))
        .build();

    assertEquals(Map.of("num_cycles", 2L, "power", 1.5), fromJava.lrSchedulerKwargs());
    assertEquals(fromJava, TrainingArguments.fromJson(fromJava.toJson()));
  }

  @Test
  void schedulerKwargsStringsAreConvertedAsHfDoes() {
    Map<String, Object> given = new LinkedHashMap<>();
    given.put("num_cycles", "2");
    given.put("min_lr_rate", "0.1");
    given.put("flag", "True");
    given.put("name", "x1");
    given.put("nested", Map.of("off", "false"));
    given.put("nothing", null);

    TrainingArguments a = TrainingArguments.builder().lrSchedulerKwargs(given).build();

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("num_cycles", 2L);
    expected.put("min_lr_rate", 0.1);
    expected.put("flag", true);
    expected.put("name", "x1");
    expected.put("nested", Map.of("off", false));
    expected.put("nothing", null);
    assertEquals(expected, a.lrSchedulerKwargs());
    assertEquals(List.of("num_cycles", "min_lr_rate", "flag", "name", "nested", "nothing"),
        List.copyOf(a.lrSchedulerKwargs().keySet()));
  }

  @Test
  void builtValuesAreImmutable() {
    TrainingArguments.Builder builder = TrainingArguments.builder().reportTo("wandb");
    TrainingArguments a = builder.build();

    builder.learningRate(1e-3).reportTo("tensorboard");
    TrainingArguments changed = a.toBuilder().learningRate(1e-3).build();

    assertEquals(5e-5, a.learningRate());
    assertEquals(List.of("wandb"), a.reportTo());
    assertEquals(1e-3, changed.learningRate());
    assertNotEquals(a, changed);
    assertThrows(UnsupportedOperationException.class, () -> a.reportTo().add("x"));
    assertThrows(UnsupportedOperationException.class, () -> a.lrSchedulerKwargs().put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> a.labelNames().add("x"));
    assertTrue(a.toString().startsWith("TrainingArguments{output_dir=trainer_output, "), a.toString());
  }

  /** Every option away from its default, consistent with every check. */
  static TrainingArguments everythingChanged() {
    return TrainingArguments.builder()
        .outputDir("out/run1").overwriteOutputDir(true).doTrain(true).doEval(true).doPredict(true)
        .evalStrategy("steps").evalSteps(50).evalDelay(100).evalOnStart(true)
        .perDeviceTrainBatchSize(16).perDeviceEvalBatchSize(32).gradientAccumulationSteps(4)
        .learningRate(3e-5).weightDecay(0.01).adamBeta1(0.8).adamBeta2(0.98).adamEpsilon(1e-6).maxGradNorm(0.5)
        .numTrainEpochs(2.5).maxSteps(1000).lrSchedulerType("cosine_with_restarts")
        .lrSchedulerKwargs(Map.of("num_cycles", 2)).warmupRatio(0.1).warmupSteps(10).labelSmoothingFactor(0.1).optim("sgd")
        .optimArgs("momentum=0.9").loggingDir(Path.of("logs")).loggingStrategy("steps").loggingFirstStep(true)
        .loggingSteps(25).loggingNanInfFilter(false).saveStrategy("steps").saveSteps(100).saveTotalLimit(3)
        .saveOnlyModel(true).seed(7).dataSeed(11).dataloaderDropLast(true)
        .trainSamplingStrategy("sequential").runName("first run").disableTqdm(true)
        .labelNames(List.of("labels", "mask")).loadBestModelAtEnd(true).metricForBestModel("accuracy")
        .greaterIsBetter(true).reportTo("tensorboard", "wandb").resumeFromCheckpoint("out/run0/checkpoint-500")
        .includeForMetrics(List.of("inputs", "loss")).restoreCallbackStatesFromCheckpoint(true)
        .build();
  }

  static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(expected, e.getMessage());
  }
}
