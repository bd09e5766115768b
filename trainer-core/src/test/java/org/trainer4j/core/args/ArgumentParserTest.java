package org.trainer4j.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainer4j.core.args.TrainingArgumentsTest.assertMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as HF's {@code HfArgumentParser} reads it, and {@code --help}. */
class ArgumentParserTest {
  @TempDir Path dir;

  @Test
  void numbersTakeTheNextArgument() {
    TrainingArguments a = TrainingArguments.parse("--learning_rate", "3e-5", "--per_device_train_batch_size", "16",
        "--num_train_epochs", "2", "--warmup_steps", "+5", "--weight_decay", ".01", "--max_grad_norm", "1.");

    assertEquals(3e-5, a.learningRate());
    assertEquals(16, a.perDeviceTrainBatchSize());
    assertEquals(2.0, a.numTrainEpochs());
    assertEquals(5, a.warmupSteps());
    assertEquals(0.01, a.weightDecay());
    assertEquals(1.0, a.maxGradNorm());
  }

  @Test
  void equalsSignAndDashAliasesWork() {
    assertEquals(TrainingArguments.parse("--learning_rate", "3e-5", "--do_train"),
        TrainingArguments.parse("--learning-rate=3e-5", "--do-train"));
    assertEquals("a=b", TrainingArguments.parse("--run_name=a=b").runName());
    assertEquals(-1, TrainingArguments.parse("--max-steps", "-1").maxSteps(), "a negative number is a value");
  }

  @Test
  void booleansAreAFlagOrTakeOneValue() {
    assertTrue(TrainingArguments.parse("--do_train").doTrain());
    assertFalse(TrainingArguments.parse("--do_train", "false").doTrain());
    assertTrue(TrainingArguments.parse("--do_train", "True").doTrain());
    assertTrue(TrainingArguments.parse("--do_train=yes").doTrain());
    assertFalse(TrainingArguments.parse("--do_train", "0").doTrain());
    assertTrue(TrainingArguments.parse("--do_train", "--do_predict").doPredict());
    assertFalse(TrainingArguments.parse("--logging_nan_inf_filter", "f").loggingNanInfFilter());
    assertEquals(Optional.of(true), TrainingArguments.parse("--disable_tqdm").disableTqdm());
  }

  @Test
  void noFormOnlyForBooleansThatDefaultToTrue() {
    assertFalse(TrainingArguments.parse("--no_logging_nan_inf_filter").loggingNanInfFilter());
    assertFalse(TrainingArguments.parse("--no-logging-nan-inf-filter").loggingNanInfFilter());

    assertMessage("--no_do_train is not an option: only booleans that default to true have a --no_ form, and"
        + " do_train defaults to false; use --do_train false", () -> TrainingArguments.parse("--no_do_train"));
    assertMessage("--no_disable_tqdm is not an option: only booleans that default to true have a --no_ form, and"
        + " disable_tqdm defaults to unset; use --disable_tqdm false", () -> TrainingArguments.parse("--no_disable_tqdm"));
    assertMessage("--no_seed is not an option: only booleans that default to true have a --no_ form, and"
        + " seed defaults to 42; use --seed <value>", () -> TrainingArguments.parse("--no_seed"));
    assertMessage("--no_logging_nan_inf_filter takes no value, got true; use --logging_nan_inf_filter true or"
        + " --logging_nan_inf_filter false to give one",
        () -> TrainingArguments.parse("--no_logging_nan_inf_filter", "true"));
  }

  @Test
  void listsTakeEveryValueUpToTheNextOption() {
    TrainingArguments a = TrainingArguments.parse("--report_to", "tensorboard", "wandb", "--label_names", "labels");

    assertEquals(List.of("tensorboard", "wandb"), a.reportTo());
    assertEquals(List.of("labels"), a.labelNames());
    assertEquals(List.of("none"), TrainingArguments.parse("--report_to", "none").reportTo());
    assertMessage("--report_to needs one or more values, e.g. --report_to a b",
        () -> TrainingArguments.parse("--report_to", "--do_train"));
  }

  @Test
  void mapsAreJson() {
    TrainingArguments a = TrainingArguments.parse("--lr_scheduler_type", "cosine_with_restarts",
        "--lr_scheduler_kwargs", "{\"num_cycles\": 2}");

    assertEquals(Map.of("num_cycles", 2L), a.lrSchedulerKwargs());
    assertMessage("lr_scheduler_kwargs={num_cycles: 2} is not allowed; use a JSON object such as {\"num_cycles\": 2}",
        () -> TrainingArguments.parse("--lr_scheduler_kwargs", "{num_cycles: 2}"));
  }

  @Test
  void aSingleJsonFileHoldsTheArguments() throws IOException {
    Path file = dir.resolve("args.json");
    Files.writeString(file, "{\"learning_rate\": 3e-5, \"do_train\": true, \"report_to\": [\"wandb\"],"
        + " \"lr_scheduler_kwargs\": {\"num_cycles\": 2}, \"eval_strategy\": \"epoch\"}");

    TrainingArguments a = TrainingArguments.parse(file.toString());

    assertEquals(TrainingArguments.parse("--learning_rate", "3e-5", "--do_train", "--report_to", "wandb",
        "--lr_scheduler_kwargs", "{\"num_cycles\": 2}", "--eval_strategy", "epoch"), a);
    assertTrue(a.doEval(), "eval_strategy=epoch turns do_eval on");
    assertEquals("config.json", TrainingArguments.parse("--run_name=config.json").runName(), "an option, not a file");
  }

  @Test
  void jsonFileErrorsNameTheFile() throws IOException {
    Path file = dir.resolve("args.json");
    Files.writeString(file, "{\"learning_rate\": -1}");
    Path missing = dir.resolve("missing.json");

    assertMessage(file + ": learning_rate=-1 is not allowed; use a finite number, 0 or more",
        () -> TrainingArguments.parse(file.toString()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingArguments.parse(missing.toString()));
    assertTrue(e.getMessage().startsWith("cannot read the training arguments file " + missing), e.getMessage());
  }

  @Test
  void helpListsEveryOptionWithTypeDefaultAndDoc() {
    String help = ArgumentParser.help();
    List<String> lines = help.lines().toList();

    for (String name : ArgumentParser.optionNames()) {
      List<String> matching = lines.stream().filter(l -> l.startsWith("  --" + name + " ")).toList();
      assertEquals(1, matching.size(), name + " in\n" + help);
      String line = matching.get(0);
      assertTrue(line.matches("  --" + name + " +(bool|int|float|str|list|json) +\\(default: [^)]*\\) \\S.{9,}"), line);
    }
    assertEquals(ArgumentParser.optionNames().size() + 2, lines.size(), "a title, the options and --help");
    assertTrue(help.contains("  --learning_rate                           float  (default: 5e-05) The initial learning"
        + " rate of the optimizer.\n"), help);
    assertTrue(help.contains("(default: no) When to evaluate during training. One of: no, steps, epoch.\n"), help);
    assertTrue(help.contains("(default: adamw_torch) The optimizer. One of: adamw_torch (alias adamw), sgd,"), help);
    assertTrue(help.contains("--report_to                               list   (default: [all]) "), help);
    assertTrue(help.contains("--logging_nan_inf_filter                  bool   (default: true) "), help);
    assertTrue(help.contains("--eval_steps                              float  (default: unset) "), help);
    assertTrue(help.contains("  -h, --help "), help);
  }

  @Test
  void helpAnywhereIsReportedInsteadOfParsing() {
    TrainingArguments defaults = TrainingArguments.builder().build();
    assertEquals(new ArgumentParser.Parsed(defaults, true),
        ArgumentParser.parse("--learning_rate", "-5", "--help", "--bogus"));
    assertEquals(new ArgumentParser.Parsed(defaults, true), ArgumentParser.parse("-h"));

    HelpRequestedException e = assertThrows(HelpRequestedException.class,
        () -> TrainingArguments.parse("--do_train", "--help"));
    assertEquals(ArgumentParser.help(), e.getMessage());
    assertFalse(ArgumentParser.parse("--do_train").helpRequested());
    assertTrue(ArgumentParser.parse("--do_train").arguments().doTrain());
  }

  @Test
  void unknownOptionsAreNamedWithTheClosestKnownName() {
    assertMessage("unknown option --learnig_rate (did you mean --learning_rate?); --help lists every option",
        () -> TrainingArguments.parse("--learnig_rate", "1e-4"));
    assertMessage("unknown option --evaluation_strategy (did you mean --eval_strategy?); --help lists every option",
        () -> TrainingArguments.parse("--evaluation_strategy", "steps"));
    assertMessage("unknown options --learnig_rate (did you mean --learning_rate?), --reportto (did you mean"
        + " --report_to?); --help lists every option",
        () -> TrainingArguments.parse("--learnig_rate", "1e-4", "--do_train", "--reportto", "wandb"));
    assertMessage("unexpected argument 'train.py': options are written --name value or --name=value (see --help)",
        () -> TrainingArguments.parse("train.py", "--do_train"));
    assertMessage("unexpected argument '-lr': options are written --name value or --name=value (see --help)",
        () -> TrainingArguments.parse("-lr", "0.1"));
  }

  @Test
  void optionsOfHfThatAreNotSupportedAreSaidToBeSoNotTakenForTypos() {
    assertMessage("--fp16 is an option of HF's TrainingArguments that Trainer4J does not support yet;"
        + " --help lists every option", () -> TrainingArguments.parse("--fp16", "--do_train"));
    assertMessage("--bf16, --gradient_checkpointing, --no_dataloader_pin_memory are options of HF's"
        + " TrainingArguments that Trainer4J does not support yet; unknown option --reportto (did you mean"
        + " --report_to?); --help lists every option", () -> TrainingArguments.parse("--bf16", "--gradient_checkpointing",
        "--no_dataloader_pin_memory", "--reportto", "wandb"));
    assertMessage("push_to_hub, torch_compile are options of HF's TrainingArguments that Trainer4J does not support"
        + " yet; --help lists every option",
        () -> TrainingArguments.fromJson("{\"push_to_hub\": false, \"torch_compile\": false, \"seed\": 1}"));
  }

  @Test
  void missingOrExtraValuesAreErrors() {
    assertMessage("--learning_rate needs a value: a number such as 3e-05 or 0.5",
        () -> TrainingArguments.parse("--learning_rate"));
    assertMessage("--learning_rate needs a value: a number such as 3e-05 or 0.5",
        () -> TrainingArguments.parse("--learning_rate", "--do_train"));
    assertMessage("--eval_strategy needs a value: one of: no, steps, epoch",
        () -> TrainingArguments.parse("--eval_strategy"));
    assertMessage("--seed takes one value, got 1 2; use a whole number from -2147483648 to 2147483647",
        () -> TrainingArguments.parse("--seed", "1", "2"));
    assertMessage("--do_train takes at most one value (true or false), got true false",
        () -> TrainingArguments.parse("--do_train", "true", "false"));
  }

  @Test
  void badNumbersNameTheOptionTheValueAndWhatIsAllowed() {
    assertMessage("learning_rate=abc is not allowed; use a number such as 3e-05 or 0.5",
        () -> TrainingArguments.parse("--learning_rate", "abc"));
    assertMessage("learning_rate=0x1p3 is not allowed; use a number such as 3e-05 or 0.5",
        () -> TrainingArguments.parse("--learning_rate", "0x1p3"));
    assertMessage("learning_rate=3f is not allowed; use a number such as 3e-05 or 0.5",
        () -> TrainingArguments.parse("--learning_rate", "3f"));
    assertMessage("max_steps=1.5 is not allowed; use a whole number from -2147483648 to 2147483647",
        () -> TrainingArguments.parse("--max_steps", "1.5"));
    assertMessage("max_steps=99999999999 is not allowed; use a whole number from -2147483648 to 2147483647",
        () -> TrainingArguments.parse("--max_steps", "99999999999"));
    assertMessage("per_device_train_batch_size=ten is not allowed; use a whole number from -2147483648 to 2147483647",
        () -> TrainingArguments.parse("--per_device_train_batch_size", "ten"));
    assertMessage("do_train=maybe is not allowed; use true or false (also yes/no, t/f, y/n, 1/0)",
        () -> TrainingArguments.parse("--do_train", "maybe"));
    assertMessage("learning_rate=NaN is not allowed; use a finite number, 0 or more",
        () -> TrainingArguments.parse("--learning_rate", "nan"));
  }

  @Test
  void badChoicesNameTheOptionTheValueAndTheAllowedValues() {
    assertMessage("eval_strategy=sometimes is not allowed; use one of: no, steps, epoch",
        () -> TrainingArguments.parse("--eval_strategy", "sometimes"));
    assertMessage("logging_strategy=always is not allowed; use one of: no, steps, epoch",
        () -> TrainingArguments.parse("--logging_strategy", "always"));
    assertMessage("save_strategy=always is not allowed; use one of: no, steps, epoch, best",
        () -> TrainingArguments.parse("--save_strategy", "always"));
    assertMessage("lr_scheduler_type=cosine_annealing is not allowed; use one of: linear, cosine, cosine_with_restarts,"
        + " polynomial, constant, constant_with_warmup, inverse_sqrt, reduce_lr_on_plateau, cosine_with_min_lr,"
        + " warmup_stable_decay", () -> TrainingArguments.parse("--lr_scheduler_type", "cosine_annealing"));
    assertMessage("optim=adam is not allowed; use one of: adamw_torch, sgd, adagrad, rmsprop",
        () -> TrainingArguments.parse("--optim", "adam"));
    assertEquals(OptimizerType.ADAMW_TORCH, TrainingArguments.parse("--optim", "adamw").optim(), "HF's alias");
  }

  @Test
  void builderChoiceErrorsNameTheirOwnOption() {
    assertMessage("eval_strategy=sometimes is not allowed; use one of: no, steps, epoch",
        () -> TrainingArguments.builder().evalStrategy("sometimes"));
    assertMessage("logging_strategy=sometimes is not allowed; use one of: no, steps, epoch",
        () -> TrainingArguments.builder().loggingStrategy("sometimes"));
    assertMessage("save_strategy=sometimes is not allowed; use one of: no, steps, epoch, best",
        () -> TrainingArguments.builder().saveStrategy("sometimes"));
    assertMessage("eval_strategy=null is not allowed; use one of: no, steps, epoch",
        () -> TrainingArguments.builder().evalStrategy((IntervalStrategy) null).build());
  }

  @Test
  void theLastOfARepeatedOptionWins() {
    assertEquals(2e-5, TrainingArguments.parse("--learning_rate", "1e-5", "--learning_rate", "2e-5").learningRate());
  }
}
