package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.engine.InferenceModel;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.EvalPrediction;
import org.trainer4j.core.metrics.HostArray;

/** include_for_metrics and label_names. */
class EvalInputsTest {
  @TempDir Path dir;

  /** Like Fixtures.COLLATOR, but names the label array "labels". */
  private static final DataCollator<Fixtures.Example> NAMED = (examples, manager) -> {
    Batch b = Fixtures.COLLATOR.collate(examples, manager);
    NDArray labels = b.labels().get(0);
    labels.setName("labels");
    return new Batch(b.inputs(), new NDList(labels), b.size());
  };

  private Trainer trainer(Model model, TrainingArguments.Builder args, List<EvalPrediction> seen) {
    return Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
        .args(args.outputDir(dir.toString()).reportTo("none").perDeviceEvalBatchSize(4).build())
        .computeMetrics(p -> {
          seen.add(p);
          return Map.of();
        }).build();
  }

  @Test
  void includeForMetricsAddsInputsAndPerExampleLosses() {
    List<EvalPrediction> seen = new ArrayList<>();
    try (Model model = Fixtures.mlp(4)) {
      Map<String, Object> metrics = trainer(model, TrainingArguments.builder().includeForMetrics(List.of("inputs", "loss")), seen)
          .evaluate(TrainerDataset.of(Fixtures.blobs(10, 1), NAMED));
      EvalPrediction p = seen.get(0);
      assertEquals(List.of(10L, 2L), java.util.Arrays.stream(p.inputs().orElseThrow().shape()).boxed().toList());
      float[] losses = p.losses().orElseThrow().data();
      assertEquals(10, losses.length);
      double mean = 0;
      for (float l : losses) {
        mean += l / 10.0;
      }
      assertEquals((Double) metrics.get("eval_loss"), mean, 1e-6, "eval_loss is the mean over examples");
    }
  }

  @Test
  void batchesOfDifferentSequenceLengthsArePaddedWithMinus100AsHf() {
    // Example i is the sequence 1..i+1; the collator pads each batch to its longest with 0, so the
    // batches of two are [2, 2], [2, 4] and [1, 5]. The model doubles its input: predictions have the same shapes.
    DataCollator<Integer> perBatchPadding = (lengths, manager) -> {
      int width = lengths.stream().mapToInt(Integer::intValue).max().orElse(0);
      float[][] tokens = new float[lengths.size()][width];
      for (int e = 0; e < lengths.size(); e++) {
        for (int t = 0; t < lengths.get(e); t++) {
          tokens[e][t] = t + 1;
        }
      }
      return new Batch(new NDList(manager.create(tokens)), new NDList(manager.create(tokens)), lengths.size());
    };
    InferenceModel doubling = new InferenceModel() {
      @Override
      public NDList forward(NDList inputs, NDManager manager) {
        return new NDList(inputs.singletonOrThrow().mul(2));
      }

      @Override
      public void close() {}
    };
    Loss zero = new Loss("zero") {
      @Override
      public NDArray evaluate(NDList labels, NDList predictions) {
        return predictions.singletonOrThrow().sum().mul(0);
      }
    };
    List<EvalPrediction> seen = new ArrayList<>();
    try (Trainer trainer = Trainer.builder().inferenceModel(doubling).loss(zero)
        .args(TrainingArguments.builder().outputDir(dir.toString()).reportTo("none").perDeviceEvalBatchSize(2)
            .includeForMetrics(List.of("inputs")).build())
        .computeMetrics(p -> {
          seen.add(p);
          return Map.of();
        }).build()) {
      trainer.evaluate(TrainerDataset.of(List.of(1, 2, 3, 4, 5), perBatchPadding));
    }

    EvalPrediction p = seen.get(0);
    float pad = -100;
    assertEquals(new HostArray(new float[] {
        1, 0, pad, pad, pad,
        1, 2, pad, pad, pad,
        1, 2, 3, 0, pad,
        1, 2, 3, 4, pad,
        1, 2, 3, 4, 5}, new long[] {5, 5}), p.labelIds());
    assertEquals(p.labelIds(), p.inputs().orElseThrow());
    assertEquals(List.of(5L, 5L), java.util.Arrays.stream(p.predictions().shape()).boxed().toList());
    assertEquals(4f, p.predictions().get(5 + 1), "values are the model's: 2 × 2");
    assertEquals(pad, p.predictions().get(2), "padding is -100 whatever the model outputs");
  }

  @Test
  void withoutIncludeForMetricsThereAreNoInputsOrLosses() {
    List<EvalPrediction> seen = new ArrayList<>();
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, TrainingArguments.builder(), seen).evaluate(Fixtures.dataset(Fixtures.blobs(6, 1)));
      assertTrue(seen.get(0).inputs().isEmpty());
      assertTrue(seen.get(0).losses().isEmpty());
    }
  }

  @Test
  void labelNamesPickLabelsByName() {
    List<EvalPrediction> seen = new ArrayList<>();
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, TrainingArguments.builder().labelNames(List.of("labels")), seen)
          .evaluate(TrainerDataset.of(Fixtures.blobs(6, 1), NAMED));
      assertEquals(6, seen.get(0).labelIds().rows());
      Trainer wrong = trainer(model, TrainingArguments.builder().labelNames(List.of("y")), seen);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> wrong.evaluate(TrainerDataset.of(Fixtures.blobs(6, 1), NAMED)));
      assertTrue(e.getMessage().contains("label_names names 'y'") && e.getMessage().contains("[labels]"), e.getMessage());
    }
  }
}
