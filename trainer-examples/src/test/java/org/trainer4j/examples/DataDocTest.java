package org.trainer4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.metrics.PredictionOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.HostArray;
import org.trainer4j.core.metrics.Metrics;

/**
 * The code of docs/DATA.md, run: each of its Java blocks must appear in this file (indentation aside),
 * between the markers, so the page shows code that compiles and does what the page says.
 */
class DataDocTest {
  @TempDir Path dir;

  /** An example type of the user's own: two features, and the class (whether their sum exceeds 1). */
  record Wine(float[] features, int quality) {}

  private static List<Wine> wines(int n, long seed) {
    Random random = new Random(seed);
    List<Wine> wines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float a = random.nextFloat();
      float b = random.nextFloat();
      wines.add(new Wine(new float[] {a, b}, a + b > 1 ? 1 : 0));
    }
    return wines;
  }

  @Test
  void theCollatorTrainsAndThePredictDatasetGivesPredictionsWithoutLabels() {
    List<Wine> train = wines(256, 1);
    List<Wine> eval = wines(64, 2);
    List<float[]> newWines = wines(10, 3).stream().map(Wine::features).toList();
    // ---- docs/DATA.md: collator ----
    DataCollator<Wine> collator = (examples, manager) -> {
      int n = examples.size();
      int width = examples.get(0).features().length;
      float[] x = new float[n * width];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        System.arraycopy(examples.get(i).features(), 0, x, i * width, width);
        y[i] = examples.get(i).quality();
      }
      NDList inputs = new NDList(manager.create(x, new Shape(n, width)));
      NDList labels = new NDList(manager.create(y));
      return new Batch(inputs, labels, n);
    };
    // ----
    TrainingArguments args = TrainingArguments.builder().outputDir(dir).numTrainEpochs(20).learningRate(0.05)
        .perDeviceTrainBatchSize(16).saveStrategy("no").reportTo("none").disableTqdm(true).build();
    try (Model model = Model.newInstance("wine")) {
      model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(2).build()));
      // ---- docs/DATA.md: trainer ----
      Trainer trainer = Trainer.builder()
          .model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
          .trainDataset(train, collator)              // = TrainerDataset.of(train, collator)
          .evalDataset(eval, collator)
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
          .build();
      // ----
      try (trainer) {
        trainer.train();
        assertTrue((Double) trainer.evaluate().get("eval_accuracy") > 0.9);

        // ---- docs/DATA.md: predict ----
        DataCollator<float[]> unlabeled = (rows, manager) -> {
          int n = rows.size();
          int width = rows.get(0).length;
          float[] x = new float[n * width];
          for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(i), 0, x, i * width, width);
          }
          return new Batch(new NDList(manager.create(x, new Shape(n, width))), new NDList(), n); // no labels
        };
        PredictionOutput out = trainer.predict(TrainerDataset.of(newWines, unlabeled));
        HostArray logits = out.predictions();   // shape [10, 2]: one row per example, in dataset order
        int[] predicted = logits.argmaxRows();  // the class of each example
        // ----
        assertArrayEquals(new long[] {10, 2}, logits.shape());
        int[] truth = newWines.stream().mapToInt(f -> f[0] + f[1] > 1 ? 1 : 0).toArray();
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
          right += predicted[i] == truth[i] ? 1 : 0;
        }
        assertTrue(right >= 8, right + " of 10 right");
        assertTrue(out.labelIds().isEmpty(), "no labels, so no labelIds");
        assertEquals(List.of("test_runtime", "test_samples_per_second", "test_steps_per_second"),
            List.copyOf(out.metrics().keySet()), "no labels, so no loss and no computeMetrics");
      }
    }
  }

  @Test
  void everyJavaBlockOfTheDataPageIsCodeOfThisTest() throws IOException {
    Path page = Path.of("").toAbsolutePath().getParent().resolve("docs/DATA.md");
    String test = normalized(Files.readString(Path.of("src/test/java/org/trainer4j/examples/DataDocTest.java")));
    List<DocBlocks.Block> java = DocBlocks.of(page).stream().filter(b -> b.language().equals("java")).toList();
    assertEquals(3, java.size(), "docs/DATA.md has the collator, the trainer and the predict blocks");
    for (DocBlocks.Block block : java) {
      assertTrue(test.contains(normalized(block.text())), block.where() + " differs from DataDocTest:\n" + block.text());
    }
  }

  /** Lines without their indentation, blank lines dropped. */
  private static String normalized(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }
}
