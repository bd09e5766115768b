package org.trainer4j.examples;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.metrics.EvalPrediction;
import org.trainer4j.core.metrics.Metrics;

/**
 * Trains an MLP on the bundled UCI handwritten digits: evaluation each epoch, the best model kept,
 * early stopping, and whatever integrations are on the class path (TensorBoard, W&B offline, CSV).
 * Prints where everything went and the final test metrics.
 *
 * <pre>./mvnw -q -pl trainer-examples -am verify -DskipTests -Prun-example -Dexample.args="--help"</pre>
 */
public final class DigitsExample {
  static final List<String> DEFAULTS = List.of(
      "--output_dir", "trainer_output/digits", "--overwrite_output_dir", "true",
      "--num_train_epochs", "40", "--per_device_train_batch_size", "32", "--per_device_eval_batch_size", "128",
      "--learning_rate", "3e-3", "--weight_decay", "0.01", "--warmup_ratio", "0.05",
      "--logging_steps", "20", "--eval_strategy", "epoch", "--save_strategy", "epoch", "--save_total_limit", "2",
      "--load_best_model_at_end", "true", "--metric_for_best_model", "accuracy");

  private DigitsExample() {}

  /** What a run produced, for the caller (and the tests) to check: test metrics and where files went. */
  public record Result(Map<String, Object> testMetrics, Map<String, String> locations) {}

  public static void main(String[] argv) {
    options().parseOrExit(argv, "Trains an MLP on the bundled UCI handwritten digits (DigitsExample).").ifPresent(parsed -> {
      Result result = run(parsed);
      System.out.println();
      result.locations().forEach((what, where) -> System.out.printf("%-18s %s%n", what + ":", where));
      System.out.printf("%-18s %s%n", "Test metrics:", result.testMetrics());
    });
  }

  static ExampleOptions options() {
    return new ExampleOptions(DEFAULTS)
        .option("hidden_size", "256", "units of the hidden layer")
        .option("dropout", "0.2", "dropout rate after the hidden layer")
        .option("early_stopping_patience", "10", "evaluations without improvement before stopping; 0 turns it off")
        .option("data_split_seed", "0", "seed of the fixed train/eval/test split");
  }

  /** Runs the example with parsed options. */
  public static Result run(ExampleOptions.Parsed parsed) {
    TrainingArguments args = parsed.args();
    Digits.Splits data = Digits.split(Digits.load(), parsed.intOption("data_split_seed"));
    List<TrainerCallback> callbacks = new ArrayList<>();
    int patience = parsed.intOption("early_stopping_patience");
    if (patience > 0) {
      callbacks.add(new EarlyStoppingCallback(patience, 0.0));
    }
    try (Model model = Digits.mlp(parsed.intOption("hidden_size"), parsed.floatOption("dropout"));
        Trainer trainer = Trainer.builder()
            .model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
            .trainDataset(Digits.dataset(data.train())).evalDataset(Digits.dataset(data.eval()))
            .computeMetrics(DigitsExample::metrics)
            .callbacks(callbacks)
            .build()) {
      WandbDefaults.offlineUnlessConfigured(trainer, System.getenv());
      trainer.train();
      PredictionOutput test = trainer.predict(Digits.dataset(data.test()));
      return new Result(test.metrics(), Locations.of(trainer));
    }
  }

  /** Accuracy and macro F1 over the ten digits. */
  static Map<String, Object> metrics(EvalPrediction p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accuracy", Metrics.accuracy(p));
    m.put("f1", Metrics.precisionRecallF1(p, Metrics.Average.MACRO).get("f1"));
    return m;
  }
}
