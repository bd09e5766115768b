package org.trainer4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.DataCollator;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.Metrics;

/** Bad input fails with a clear message before work is wasted, and nothing already written is lost. */
class BadInputTest {
  @TempDir Path dir;

  private TrainingArguments.Builder args(Path out) {
    return TrainingArguments.builder().outputDir(out.toString()).reportTo("none").perDeviceTrainBatchSize(4)
        .perDeviceEvalBatchSize(4).maxSteps(4).saveSteps(2).seed(3);
  }

  private static Trainer.Builder trainer(Model model, TrainingArguments args) {
    return Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
        .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1)));
  }

  private static IllegalArgumentException buildFails(Trainer.Builder builder) {
    return assertThrows(IllegalArgumentException.class, builder::build);
  }

  @Test
  void anOutputDirThatIsAFileFailsAtBuild() throws IOException {
    Path file = Files.writeString(dir.resolve("taken"), "a file");
    try (Model model = Fixtures.mlp(4)) {
      IllegalArgumentException e = buildFails(trainer(model, args(file).build()));
      assertEquals("output_dir=" + file + " is not allowed: it is a file, not a folder; give a folder to write"
          + " checkpoints to", e.getMessage());
      e = buildFails(trainer(model, args(file.resolve("run")).build()));
      assertTrue(e.getMessage().contains(file + " is a file, not a folder"), e.getMessage());
    }
  }

  @Test
  void aReadOnlyOutputDirFailsAtBuild() throws IOException {
    Path readOnly = Files.createDirectories(dir.resolve("read-only"));
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
    assumeTrue(!Files.isWritable(readOnly), "the file system lets this user write anyway (root)");
    try (Model model = Fixtures.mlp(4)) {
      IllegalArgumentException e = buildFails(trainer(model, args(readOnly).build()));
      assertTrue(e.getMessage().startsWith("output_dir=" + readOnly + " is not allowed: it is not writable"), e.getMessage());
      e = buildFails(trainer(model, args(readOnly.resolve("run")).build()));
      assertTrue(e.getMessage().contains("cannot be created, because " + readOnly + " is not writable"), e.getMessage());
    } finally {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void anEvalStrategyWithoutAnEvalDatasetFailsAtBuild() {
    try (Model model = Fixtures.mlp(4)) {
      IllegalArgumentException e = buildFails(trainer(model, args(dir).evalStrategy("steps").evalSteps(1).build()));
      assertEquals("eval_strategy=steps is not allowed without an eval dataset; give one to"
          + " Trainer.builder().evalDataset(...) or set eval_strategy=no", e.getMessage());
      e = buildFails(trainer(model, args(dir).evalStrategy("epoch").build()));
      assertTrue(e.getMessage().startsWith("eval_strategy=epoch is not allowed"), e.getMessage());
    }
  }

  @Test
  void aMetricThatNoEvaluationCanProduceFailsAtBuild() {
    try (Model model = Fixtures.mlp(4)) {
      Trainer.Builder b = trainer(model, args(dir).evalStrategy("steps").evalSteps(1).metricForBestModel("accuracy")
          .build()).evalDataset(Fixtures.dataset(Fixtures.blobs(8, 2)));
      IllegalArgumentException e = buildFails(b);
      assertTrue(e.getMessage().startsWith("metric_for_best_model=accuracy is not allowed without computeMetrics:"
          + " evaluation then produces only [eval_loss, eval_runtime"), e.getMessage());
      b.computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p))).build();
      trainer(model, args(dir).evalStrategy("steps").evalSteps(1).metricForBestModel("loss").build())
          .evalDataset(Fixtures.dataset(Fixtures.blobs(8, 2))).build();
    }
  }

  @Test
  void emptyDatasetsSayTheyAreEmpty() {
    try (Model model = Fixtures.mlp(4)) {
      IllegalArgumentException e = buildFails(trainer(model, args(dir).build()).trainDataset(Fixtures.dataset(List.of())));
      assertEquals("the training dataset is empty (0 examples); give one with examples", e.getMessage());
      e = buildFails(trainer(model, args(dir).build()).evalDataset(Fixtures.dataset(List.of())));
      assertEquals("the eval dataset is empty (0 examples); give one with examples", e.getMessage());
      Trainer t = trainer(model, args(dir).build()).build();
      e = assertThrows(IllegalArgumentException.class, () -> t.predict(Fixtures.dataset(List.of())));
      assertEquals("the dataset to predict is empty (0 examples); give one with examples", e.getMessage());
    }
  }

  @Test
  void aModelWithNothingToTrainFailsAtBuild() {
    try (Model model = Fixtures.mlp(4)) {
      model.getBlock().freezeParameters(true);
      IllegalArgumentException e = buildFails(trainer(model, args(dir).build()));
      assertTrue(e.getMessage().startsWith("the model has no trainable parameters (all 4 of its parameters are"
          + " frozen"), e.getMessage());
      Trainer evaluateOnly = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args(dir).build())
          .build();
      assertTrue(evaluateOnly.evaluate(Fixtures.dataset(Fixtures.blobs(8, 2))).containsKey("eval_loss"),
          "a frozen model can still be evaluated");
    }
  }

  /** Fixtures.COLLATOR, but example {@code bad} gets label 7 of 2 classes. */
  private static DataCollator<Fixtures.Example> labelSevenFor(Fixtures.Example bad) {
    return (examples, manager) -> Fixtures.COLLATOR.collate(examples.stream()
        .map(e -> e == bad ? new Fixtures.Example(e.features(), 7) : e).toList(), manager);
  }

  @Test
  void labelsOutOfRangeNameTheBatchAndTheExample() {
    List<Fixtures.Example> examples = Fixtures.blobs(16, 1);
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args(dir).build())
          .trainDataset(TrainerDataset.of(examples, labelSevenFor(examples.get(5)))).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::train);
      assertTrue(e.getMessage().matches("training batch \\d of epoch 0 has labels out of range: example 5 has label 7;"
          + " with 2 classes \\(predictions of shape \\(4, 2\\)\\) SoftmaxCrossEntropyLoss takes labels 0 to 1"),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> t.evaluate(TrainerDataset.of(examples, labelSevenFor(examples.get(9)))));
      assertEquals("evaluation batch 2 has labels out of range: example 9 has label 7; with 2 classes (predictions of"
          + " shape (4, 2)) SoftmaxCrossEntropyLoss takes labels 0 to 1", e.getMessage());
    }
  }

  @Test
  void aCollatorWhoseArraysDisagreeOnTheBatchSizeIsNamed() {
    DataCollator<Fixtures.Example> oneLabelShort = (examples, manager) -> {
      Batch full = Fixtures.COLLATOR.collate(examples, manager);
      return new Batch(full.inputs(), new NDList(full.labels().get(0).get("1:")), full.size());
    };
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args(dir).build())
          .trainDataset(TrainerDataset.of(Fixtures.blobs(16, 1), oneLabelShort)).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::train);
      assertTrue(e.getMessage().matches("training batch 0 of epoch 0 \\(examples \\[\\d+, \\d+, \\d+, \\d+\\]\\) is not"
          + " allowed: the collator made 4 examples, but labels\\[0\\] has shape \\(3\\); the first dimension of every"
          + " input and label array must be the batch size \\(4\\)"), e.getMessage());
    }
  }

  @Test
  void overwriteOutputDirDeletesNothingWhenTheRunCannotStart() throws IOException {
    try (Model model = Fixtures.mlp(4)) {
      trainer(model, args(dir).build()).build().train();
    }
    List<Fixtures.Example> examples = Fixtures.blobs(16, 1);
    DataCollator<Fixtures.Example> allBad = (batch, manager) -> Fixtures.COLLATOR.collate(
        batch.stream().map(e -> new Fixtures.Example(e.features(), 7)).toList(), manager);
    try (Model model = Fixtures.mlp(4)) {
      Trainer t = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(args(dir).overwriteOutputDir(true).build()).trainDataset(TrainerDataset.of(examples, allBad)).build();
      assertThrows(IllegalArgumentException.class, t::train);
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of("checkpoint-2", "checkpoint-4"), s.map(p -> p.getFileName().toString()).sorted().toList(),
          "the old run's checkpoints are still there");
    }
  }
}
