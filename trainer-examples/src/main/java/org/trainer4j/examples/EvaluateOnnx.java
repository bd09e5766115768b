package org.trainer4j.examples;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.onnx.OnnxExport;
import org.trainer4j.onnx.OnnxExporter;
import org.trainer4j.onnx.OnnxModel;

/**
 * Evaluates an ONNX model of the digits classifier on the test split with ONNX Runtime, through {@code
 * trainer.evaluate()}: the {@code eval/} metrics go to every integration on the class path (TensorBoard
 * when {@code trainer-callbacks-tensorboard} is there, see {@code report_to}). With {@code --model
 * <file.onnx>} it evaluates that file (inputs {@code [batch, 64]} pixels in [0, 1], outputs 10 logits);
 * without, it first trains a small MLP with DJL, exports it to {@code <output_dir>/digits.onnx}, and also
 * reports how far ONNX Runtime's logits are from DJL's.
 *
 * <pre>./mvnw -q -pl trainer-examples -am verify -DskipTests -Prun-example -Dexample.main=org.trainer4j.examples.EvaluateOnnx</pre>
 */
public final class EvaluateOnnx {
  static final List<String> DEFAULTS = List.of(
      "--output_dir", "trainer_output/evaluate_onnx", "--overwrite_output_dir", "true",
      "--num_train_epochs", "15", "--per_device_train_batch_size", "32", "--per_device_eval_batch_size", "128",
      "--learning_rate", "3e-3", "--logging_steps", "20", "--save_strategy", "no");

  private EvaluateOnnx() {}

  /**
   * What a run produced.
   *
   * @param model the {@code .onnx} file evaluated
   * @param evalMetrics ONNX Runtime's metrics on the test split, as {@code trainer.evaluate()} logged them
   * @param trained when the example trained the model itself: DJL's metrics on the same split and the
   *     largest difference between DJL's and ONNX Runtime's logits
   * @param locations where the evaluation's files went (TensorBoard logs, metrics CSV)
   */
  public record Result(Path model, Map<String, Object> evalMetrics, Optional<Trained> trained,
      Map<String, String> locations) {}

  /** DJL's side of a run that trained its own model: the export, DJL's test metrics, the logit gap. */
  public record Trained(OnnxExport export, Map<String, Object> djlTestMetrics, double maxLogitDifference) {}

  private record Exported(OnnxExport export, PredictionOutput djlPredictions) {}

  public static void main(String[] argv) {
    ExampleOptions options = options();
    try {
      ExampleOptions.Parsed parsed = options.parse(argv);
      if (parsed.help()) {
        System.out.println(options.help("Evaluates an ONNX model on the digits test split with ONNX Runtime (EvaluateOnnx)."));
        return;
      }
      Result result = run(parsed);
      System.out.println();
      System.out.printf("%-18s %s%n", "ONNX model:", result.model());
      result.trained().ifPresent(t -> System.out.printf("%-18s %s%n", "Exported layers:", t.export().layers()));
      result.locations().forEach((what, where) -> System.out.printf("%-18s %s%n", what + ":", where));
      System.out.printf("%-18s %s%n", "ONNX Runtime eval:", result.evalMetrics());
      result.trained().ifPresent(t -> {
        System.out.printf("%-18s %s%n", "DJL on the same:", t.djlTestMetrics());
        System.out.printf("%-18s %s%n", "Largest logit gap:", t.maxLogitDifference() + " (ONNX Runtime vs DJL)");
      });
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }

  static ExampleOptions options() {
    return new ExampleOptions(DEFAULTS)
        .option("model", "", "the .onnx file to evaluate; empty: train a digits MLP and export it first")
        .option("hidden_size", "64", "units of the hidden layer of the MLP trained when --model is empty")
        .option("data_split_seed", "0", "seed of the fixed train/eval/test split");
  }

  /** Runs the example with parsed options. */
  public static Result run(ExampleOptions.Parsed parsed) {
    TrainingArguments args = parsed.args();
    Digits.Splits data = Digits.split(Digits.load(), parsed.intOption("data_split_seed"));
    TrainerDataset test = Digits.dataset(data.test());
    String given = parsed.options().get("model");
    Optional<Exported> exported = given.isBlank()
        ? Optional.of(trainAndExport(args, data, parsed.intOption("hidden_size"), args.outputDir().resolve("digits.onnx")))
        : Optional.empty();
    Path file = exported.map(e -> e.export().file()).orElseGet(() -> Path.of(given));
    try (Trainer trainer = Trainer.builder().inferenceModel(OnnxModel.load(file))
        .loss(Loss.softmaxCrossEntropyLoss()).args(args).evalDataset(test)
        .computeMetrics(DigitsExample::metrics).build()) {
      Map<String, Object> metrics = trainer.evaluate();
      Optional<Trained> trained = Optional.empty();
      if (exported.isPresent()) {
        PredictionOutput djl = exported.get().djlPredictions();
        float[] ort = trainer.predict(test).predictions().data();
        trained = Optional.of(new Trained(exported.get().export(), djl.metrics(),
            maxDifference(djl.predictions().data(), ort)));
      }
      return new Result(file, metrics, trained, Locations.of(trainer));
    }
  }

  /** Trains the MLP with DJL, exports it, and keeps DJL's predictions on the test split. */
  private static Exported trainAndExport(TrainingArguments args, Digits.Splits data, int hidden, Path file) {
    try (Model model = Digits.mlp(hidden, 0.1f);
        Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
            .trainDataset(Digits.dataset(data.train())).evalDataset(Digits.dataset(data.eval()))
            .computeMetrics(DigitsExample::metrics).build()) {
      trainer.train();
      PredictionOutput predictions = trainer.predict(Digits.dataset(data.test()));
      OnnxExport export = OnnxExporter.builder().inputName("pixels").outputName("logits").build().export(model, file);
      return new Exported(export, predictions);
    }
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }
}
