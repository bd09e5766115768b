package org.trainer4j.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.Metrics;
import org.trainer4j.transformers.bert.BertModel;
import org.trainer4j.transformers.text.DataCollatorWithPadding;
import org.trainer4j.transformers.text.Features;
import org.trainer4j.transformers.text.TextExample;

/**
 * The two baselines fine-tuning has to beat: a linear probe (one linear layer) on frozen mean-pooled sentence
 * embeddings, and an MLP on bags of words. Both are trained with the Trainer on fixed-length vectors.
 */
final class TextBaselines {
  /** One example as a vector with its class id. */
  record Vector(float[] values, int label) {}

  private static final DataCollator<Vector> COLLATOR = (vectors, manager) -> {
    int width = vectors.get(0).values().length;
    float[] values = new float[vectors.size() * width];
    int[] labels = new int[vectors.size()];
    for (int i = 0; i < vectors.size(); i++) {
      System.arraycopy(vectors.get(i).values(), 0, values, i * width, width);
      labels[i] = vectors.get(i).label();
    }
    return new Batch(new NDList(manager.create(values, new Shape(vectors.size(), width))),
        new NDList(manager.create(labels)), vectors.size());
  };

  private TextBaselines() {}

  /** The frozen encoder's {@code sentence_embedding} of each example (no gradients, no dropout). */
  static List<Vector> embeddings(BertModel encoder, NDManager parent, DataCollatorWithPadding collator,
      List<Features> examples) {
    List<Vector> out = new ArrayList<>();
    for (int start = 0; start < examples.size(); start += 64) {
      List<Features> part = examples.subList(start, Math.min(examples.size(), start + 64));
      try (NDManager manager = parent.newSubManager(); Batch batch = collator.collate(part, manager)) {
        NDList outputs = encoder.forward(new ParameterStore(manager, false), batch.inputs(), false);
        float[] flat = outputs.get("sentence_embedding").toFloatArray();
        int width = flat.length / part.size();
        for (int i = 0; i < part.size(); i++) {
          float[] row = new float[width];
          System.arraycopy(flat, i * width, row, 0, width);
          out.add(new Vector(row, (int) part.get(i).labels()[0]));
        }
      }
    }
    return out;
  }

  /** A trained linear probe: its test accuracy and its layer's values ({@code weight} is classes × width). */
  record Probe(double accuracy, float[] weight, float[] bias) {}

  /** A linear classifier trained on frozen embeddings, with its test accuracy. */
  static Probe linearProbe(List<Vector> train, List<Vector> test, int classes, Path outputDir, int epochs) {
    Linear linear = Linear.builder().setUnits(classes).build();
    SequentialBlock block = new SequentialBlock().add(linear);
    float[][] values = new float[2][];
    double accuracy = trainAndTest(block, train, test, outputDir, epochs, 1e-2, () -> {
      values[0] = linear.getParameters().get("weight").getArray().toFloatArray();
      values[1] = linear.getParameters().get("bias").getArray().toFloatArray();
    });
    return new Probe(accuracy, values[0], values[1]);
  }

  /** Test accuracy of a bag-of-words MLP (words seen at least twice in the training texts). */
  static double bagOfWords(List<TextExample> train, List<TextExample> test, int classes, Path outputDir,
      int epochs) {
    Map<String, Integer> vocabulary = vocabulary(train);
    SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(256).build())
        .add(Activation::relu).add(Dropout.builder().optRate(0.5f).build())
        .add(Linear.builder().setUnits(classes).build());
    return trainAndTest(block, bags(train, vocabulary), bags(test, vocabulary), outputDir, epochs, 1e-3, () -> {});
  }

  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  private static Map<String, Integer> vocabulary(List<TextExample> train) {
    Map<String, Integer> counts = new TreeMap<>();
    train.forEach(e -> words(e.text()).forEach(w -> counts.merge(w, 1, Integer::sum)));
    Map<String, Integer> ids = new HashMap<>();
    counts.forEach((w, n) -> {
      if (n >= 2) {
        ids.put(w, ids.size());
      }
    });
    return ids;
  }

  /** Binary bag of words: 1 where the text holds the word. */
  private static List<Vector> bags(List<TextExample> examples, Map<String, Integer> vocabulary) {
    List<Vector> out = new ArrayList<>();
    for (TextExample e : examples) {
      float[] bag = new float[vocabulary.size()];
      words(e.text()).forEach(w -> {
        Integer id = vocabulary.get(w);
        if (id != null) {
          bag[id] = 1;
        }
      });
      out.add(new Vector(bag, e.label().orElseThrow()));
    }
    return out;
  }

  /** Trains, runs {@code whileOpen} while the model is still open (to read its values), and tests. */
  private static double trainAndTest(SequentialBlock block, List<Vector> train, List<Vector> test, Path outputDir,
      int epochs, double learningRate, Runnable whileOpen) {
    TrainingArguments args = TrainingArguments.builder().outputDir(outputDir.toString()).overwriteOutputDir(true)
        .numTrainEpochs(epochs).perDeviceTrainBatchSize(32).perDeviceEvalBatchSize(256).learningRate(learningRate)
        .weightDecay(0.01).saveStrategy("no").loggingStrategy("no").disableTqdm(true).reportTo("none").seed(42).build();
    try (Model model = Model.newInstance(outputDir.getFileName().toString())) {
      model.setBlock(block);
      try (Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
          .trainDataset(TrainerDataset.of(train, COLLATOR))
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p))).build()) {
        trainer.train();
        whileOpen.run();
        PredictionOutput out = trainer.predict(TrainerDataset.of(test, COLLATOR));
        return ((Number) out.metrics().get("test_accuracy")).doubleValue();
      }
    }
  }
}
