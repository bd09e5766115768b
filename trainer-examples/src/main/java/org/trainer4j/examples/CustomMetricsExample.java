package org.trainer4j.examples;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.LogKeys;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.metrics.EvalPrediction;
import org.trainer4j.core.metrics.Metrics;

/**
 * Where custom values land in TensorBoard, W&B and the CSV: a metric returned by {@code computeMetrics}
 * ({@code worst_digit_recall}) is prefixed by {@code evaluate()}/{@code predict()} and so lands under
 * {@code eval/} and {@code test/}; a value a callback logs itself lands under {@code eval/} only when
 * its name starts with {@code eval_} ({@code eval_error_rate}) — anything else would go to {@code train/}.
 * Prints the namespaced keys the run logged.
 */
public final class CustomMetricsExample {
  static final List<String> DEFAULTS = List.of(
      "--output_dir", "trainer_output/custom-metrics", "--overwrite_output_dir", "true",
      "--num_train_epochs", "3", "--per_device_train_batch_size", "32", "--learning_rate", "3e-3",
      "--logging_steps", "20", "--eval_strategy", "epoch", "--save_strategy", "no");

  private CustomMetricsExample() {}

  public static void main(String[] argv) {
    new ExampleOptions(DEFAULTS).parseOrExit(argv, "Shows where custom metrics land (CustomMetricsExample).")
        .ifPresent(parsed -> {
          List<String> keys = run(parsed.args());
          System.out.println();
          System.out.println("Namespaced keys logged by this run (as TensorBoard, W&B and metrics.csv file them):");
          keys.forEach(k -> System.out.println("  " + k));
        });
  }

  /**
   * Trains briefly, predicts on the test split, and returns every key the run logged or predicted, as
   * {@link LogKeys#rewriteLogs} files it for the integrations (whichever {@code report_to} selects).
   */
  static List<String> run(TrainingArguments args) {
    Digits.Splits data = Digits.split(Digits.load(), 0);
    AtomicReference<Trainer> trainerRef = new AtomicReference<>();
    TrainerCallback errorRate = new TrainerCallback() {
      @Override
      public void onEvaluate(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext context) {
        Object accuracy = context.metrics().get("eval_accuracy");
        if (accuracy instanceof Number n) {
          trainerRef.get().log(Map.of("eval_error_rate", 1 - n.doubleValue())); // eval_ prefix: lands in eval/
        }
      }
    };
    Set<String> keys = new LinkedHashSet<>();
    TrainerCallback keyCollector = new TrainerCallback() {
      @Override
      public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext context) {
        keys.addAll(LogKeys.rewriteLogs(context.logs()).keySet());
      }

      @Override
      public void onPredict(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext context) {
        keys.addAll(LogKeys.rewriteLogs(context.metrics()).keySet()); // predictions are not logged, as in HF
      }
    };
    try (Model model = Digits.mlp(128, 0.1f);
        Trainer trainer = Trainer.builder()
            .model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
            .trainDataset(Digits.dataset(data.train())).evalDataset(Digits.dataset(data.eval()))
            .computeMetrics(CustomMetricsExample::metrics)
            .callbacks(errorRate, keyCollector)
            .build()) {
      WandbDefaults.offlineUnlessConfigured(trainer, System.getenv());
      trainerRef.set(trainer);
      trainer.train();
      trainer.predict(Digits.dataset(data.test()));
    }
    return List.copyOf(keys);
  }

  /** Accuracy and the recall of the digit the model gets most wrong (a custom metric). */
  static Map<String, Object> metrics(EvalPrediction p) {
    int[] predicted = p.predictions().argmaxRows();
    int[] labels = p.labelIds().asInts();
    int[] seen = new int[Digits.CLASSES];
    int[] hit = new int[Digits.CLASSES];
    for (int i = 0; i < labels.length; i++) {
      seen[labels[i]]++;
      if (predicted[i] == labels[i]) {
        hit[labels[i]]++;
      }
    }
    double worst = 1;
    for (int d = 0; d < Digits.CLASSES; d++) {
      if (seen[d] > 0) {
        worst = Math.min(worst, (double) hit[d] / seen[d]);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accuracy", Metrics.accuracy(p));
    m.put("worst_digit_recall", worst);
    return m;
  }
}
