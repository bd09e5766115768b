package org.trainer4j.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.Metrics;
import org.trainer4j.transformers.bert.BertConfig;
import org.trainer4j.transformers.bert.BertForSequenceClassification;
import org.trainer4j.transformers.bert.BertModel;
import org.trainer4j.transformers.bert.BertOnnxExporter;
import org.trainer4j.transformers.bert.HfModelFolderCallback;
import org.trainer4j.transformers.bert.OnnxBertFiles;
import org.trainer4j.transformers.bert.Pooling;
import org.trainer4j.transformers.loss.CrossEntropyLoss;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextTokenizer;
import org.trainer4j.transformers.text.Truncation;

/**
 * Fine-tunes all-MiniLM-L6-v2 (from Maven Central) to tell the topic of an English fortune (six topics of Debian's
 * fortune files, bundled): a fresh classifier on the pretrained encoder's mean-pooled tokens (or, with {@code
 * --pooling cls}, HF's {@code BertForSequenceClassification}, saved as an HF folder). Evaluation each epoch, the best
 * model kept and exported to ONNX, progress bar, TensorBoard and W&B (offline unless configured). Then prints the
 * test accuracy of (a) the fine-tuned model, (b) a linear probe on the frozen mean-pooled embeddings and (c) a
 * bag-of-words MLP.
 *
 * <pre>./mvnw -q -pl trainer-examples -am verify -DskipTests -Prun-example \
 *     -Dexample.main=org.trainer4j.examples.FortunesExample -Dexample.args="--max_steps 20"</pre>
 */
public final class FortunesExample {
  static final List<String> DEFAULTS = List.of(
      "--output_dir", "trainer_output/fortunes", "--overwrite_output_dir", "true",
      "--num_train_epochs", "4", "--per_device_train_batch_size", "16", "--per_device_eval_batch_size", "64",
      "--learning_rate", "5e-5", "--weight_decay", "0.01", "--warmup_ratio", "0.1", "--logging_steps", "10",
      "--eval_strategy", "epoch", "--save_strategy", "epoch", "--save_total_limit", "1",
      "--load_best_model_at_end", "true", "--metric_for_best_model", "accuracy", "--seed", "42");

  private FortunesExample() {}

  /** Test accuracies of the three models, and where the run's files went. */
  public record Result(double fineTuned, double linearProbe, double bagOfWords, Map<String, String> locations) {}

  public static void main(String[] argv) {
    options().parseOrExit(argv, "Fine-tunes all-MiniLM-L6-v2 on fortune topics (FortunesExample).").ifPresent(parsed -> {
      Result r = run(parsed);
      System.out.println();
      r.locations().forEach((what, where) -> System.out.printf("%-18s %s%n", what + ":", where));
      System.out.println("\nTest accuracy (" + Fortunes.TOPICS.size() + " topics):");
      System.out.printf("  (a) fine-tuned all-MiniLM-L6-v2                 %.4f%n", r.fineTuned());
      System.out.printf("  (b) linear probe on frozen mean-pooled embeddings %.4f%n", r.linearProbe());
      System.out.printf("  (c) bag-of-words MLP                             %.4f%n", r.bagOfWords());
      System.out.println(r.fineTuned() > Math.max(r.linearProbe(), r.bagOfWords())
          ? "Fine-tuning beats both baselines." : "Fine-tuning does NOT beat both baselines in this run.");
    });
  }

  static ExampleOptions options() {
    return new ExampleOptions(DEFAULTS)
        .option("model_dir", "trainer_output/all-minilm-l6-v2",
            "where all-MiniLM-L6-v2's ONNX file and tokenizer are copied out of the Maven artifact")
        .option("model_onnx", "", "an ONNX BERT export to fine-tune instead of all-MiniLM-L6-v2 (tests)")
        .option("tokenizer", "", "its tokenizer.json (with --model_onnx)")
        .option("attention_heads", "12", "its number of attention heads (with --model_onnx)")
        .option("pooling", "mean", "mean: a classifier on the mean-pooled tokens, as sentence-transformers pool;"
            + " cls: HF's BertForSequenceClassification (a fresh pooler on [CLS]), also saved as an HF folder")
        .option("max_length", "128", "tokens per text, special tokens included (longer texts are truncated)")
        .option("classifier_init", "", "probe: start the classifier from the trained linear probe, then fine-tune"
            + " everything (LP-FT); random: a fresh classifier. Default: probe with --pooling mean, random with cls"
            + " (the probe is trained on mean pooling)")
        .option("probe_epochs", "30", "epochs of the linear probe on frozen embeddings")
        .option("bag_of_words_epochs", "20", "epochs of the bag-of-words MLP");
  }

  /** Runs the example with parsed options. */
  public static Result run(ExampleOptions.Parsed parsed) {
    TrainingArguments args = parsed.args();
    OnnxBertFiles files = parsed.options().get("model_onnx").isEmpty()
        ? OnnxBertFiles.allMiniLmL6V2(Path.of(parsed.options().get("model_dir")))
        : new OnnxBertFiles(Path.of(parsed.options().get("model_onnx")), Path.of(parsed.options().get("tokenizer")),
            parsed.intOption("attention_heads"));
    BertConfig encoderConfig = files.config();
    BertConfig config = encoderConfig.withLabels(Fortunes.TOPICS);
    Fortunes.Splits data = Fortunes.load(args.outputDir().resolve("data"));
    try (TextTokenizer tokenizer = TextTokenizer.builder(files.tokenizer()).truncation(Truncation.LONGEST_FIRST)
        .maxLength(parsed.intOption("max_length")).build()) {
      List<Features> train = tokenizer.tokenize(data.train());
      List<Features> validation = tokenizer.tokenize(data.validation());
      List<Features> test = tokenizer.tokenize(data.test());
      DataCollatorWithPadding collator = DataCollatorWithPadding.builder(tokenizer).build();

      Pooling pooling = switch (parsed.options().get("pooling")) {
        case "mean" -> Pooling.MEAN;
        case "cls" -> Pooling.CLS_POOLER;
        default -> throw new IllegalArgumentException("pooling=" + parsed.options().get("pooling")
            + " is not allowed; use mean or cls");
      };
      boolean fromProbe = classifierFromProbe(parsed.options().get("classifier_init"), pooling);

      TextBaselines.Probe probe;
      try (Model encoderModel = Model.newInstance("minilm-encoder")) {
        BertModel encoder = files.load(encoderModel, new BertModel(encoderConfig.withoutDropout(), Pooling.MEAN));
        probe = TextBaselines.linearProbe(
            TextBaselines.embeddings(encoder, encoderModel.getNDManager(), collator, train),
            TextBaselines.embeddings(encoder, encoderModel.getNDManager(), collator, test),
            Fortunes.TOPICS.size(), args.outputDir().resolve("baselines/linear-probe"), parsed.intOption("probe_epochs"));
      }

      double fineTuned;
      Map<String, String> locations;
      try (Model model = Model.newInstance("fortunes-minilm")) {
        BertForSequenceClassification block = files.load(model, new BertForSequenceClassification(config, pooling));
        if (fromProbe) {
          // LP-FT: fine-tuning from a trained head changes the pretrained features less than from a random one.
          copyInto(block, "classifier.weight", probe.weight());
          copyInto(block, "classifier.bias", probe.bias());
          System.out.println("The classifier starts from the linear probe (classifier_init=probe), not newly"
              + " initialized; then the whole model is fine-tuned.");
        }
        // HF has no class for a classifier on mean pooling: only the CLS-pooler model is saved as an HF folder.
        List<TrainerCallback> callbacks = pooling == Pooling.CLS_POOLER
            ? List.of(new HfModelFolderCallback(tokenizer)) : List.of();
        try (Trainer trainer = WandbDefaults.offlineUnlessConfigured(Trainer.builder(), String.valueOf(args.outputDir()),
                System.getenv())
            .model(model).loss(new CrossEntropyLoss()).args(args)
            .trainDataset(train, collator).evalDataset(validation, collator)
            .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
            .callbacks(callbacks)
            .build()) {
          trainer.train();
          PredictionOutput out = trainer.predict(TrainerDataset.of(test, collator));
          fineTuned = ((Number) out.metrics().get("test_accuracy")).doubleValue();
          locations = new LinkedHashMap<>(Locations.of(trainer));
        }
        if (pooling == Pooling.CLS_POOLER) {
          locations.put("HF model folder", args.outputDir() + "  (AutoModelForSequenceClassification.from_pretrained)");
        }
        Path onnx = args.outputDir().resolve("model.onnx");
        BertOnnxExporter.Export export = BertOnnxExporter.export(block, onnx);
        locations.put("ONNX model", onnx + String.format("  (ONNX Runtime within %.1e of DJL)", export.maxDifference()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }

      double bag = TextBaselines.bagOfWords(data.train(), data.test(), Fortunes.TOPICS.size(),
          args.outputDir().resolve("baselines/bag-of-words"), parsed.intOption("bag_of_words_epochs"));
      return new Result(fineTuned, probe.accuracy(), bag, locations);
    }
  }

  private static boolean classifierFromProbe(String init, Pooling pooling) {
    switch (init) {
      case "" -> {
        return pooling == Pooling.MEAN;
      }
      case "random" -> {
        return false;
      }
      case "probe" -> {
        if (pooling != Pooling.MEAN) {
          throw new IllegalArgumentException("classifier_init=probe needs pooling=mean (the probe is trained on"
              + " mean-pooled embeddings); use classifier_init=random with pooling=cls");
        }
        return true;
      }
      default -> throw new IllegalArgumentException("classifier_init=" + init + " is not allowed; use probe or random");
    }
  }

  /** Overwrites a parameter of the block with {@code values} (same element count, by indexed copy). */
  private static void copyInto(BertForSequenceClassification block, String name, float[] values) {
    NDArray target = block.getParameters().get(name).getArray();
    try (NDArray source = target.getManager().create(values, target.getShape());
        NDArray weight = target.stopGradient()) { // a detached view: autograd allows the in-place write on any thread
      weight.set(new NDIndex("..."), source);
    }
  }
}
