package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.CallbackException;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.testkit.WandbFileReader;
import org.trainer4j.testkit.WireMessage;

/** A training that throws, in a try-with-resources Trainer, finishes its W&B run as failed (exit code 1). */
class TrainerFailureTest {
  @TempDir Path dir;

  @Test
  void aTrainingThatThrowsFinishesTheRunWithExitCode1() throws Exception {
    WandbCallback wandb = new WandbCallback(TestRuns.offline(dir).build());
    TrainerCallback failing = new TrainerCallback() {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        if (s.globalStep() == 2) {
          throw new IllegalStateException("out of patience");
        }
      }
    };
    TrainerDataset data = dataset(16, 0);
    try (Model model = Model.newInstance("mlp")) {
      model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(2).build()));
      assertThrows(CallbackException.class, () -> {
        try (Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
            .args(TrainingArguments.builder().outputDir(dir.resolve("out").toString()).reportTo("none")
                .saveStrategy("no").loggingSteps(1).perDeviceTrainBatchSize(4).disableTqdm(true).build())
            .trainDataset(data).callbacks(wandb, failing).build()) {
          trainer.train();
        }
      });
    }
    List<WandbFileReader.Rec> records = WandbFileReader.read(wandb.run().orElseThrow().file().orElseThrow());
    WireMessage exit = records.stream().filter(r -> r.type().equals("exit")).findFirst().orElseThrow().body();
    assertEquals(1, exit.varint(1), "exit code 1: W&B shows the run as failed");
    assertEquals(1, WandbFileReader.historyRows(records).size(), "step 1 was logged before step 2 failed; it is kept");
  }

  /**
   * A collator that fails on its fourth batch: onTrainAbort finishes the run as failed before anything
   * is closed (the Trainer is not closed here), as the SDK marks a run that ended with an exception.
   */
  @Test
  void aTrainingWhoseCollatorThrowsIsMarkedFailedWhenTrainThrows() throws Exception {
    WandbCallback wandb = new WandbCallback(TestRuns.offline(dir).build());
    TrainerDataset data = dataset(32, 4);
    try (Model model = Model.newInstance("mlp")) {
      model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(2).build()));
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.resolve("out").toString()).reportTo("none")
              .saveStrategy("no").loggingSteps(1).perDeviceTrainBatchSize(4).disableTqdm(true).build())
          .trainDataset(data).callbacks(wandb).build();
      assertThrows(IllegalStateException.class, trainer::train);

      WandbRun run = wandb.run().orElseThrow();
      assertTrue(run.isFinished(), "finished by onTrainAbort, before Trainer.close()");
      List<WandbFileReader.Rec> records = WandbFileReader.read(run.file().orElseThrow());
      WireMessage exit = records.stream().filter(r -> r.type().equals("exit")).findFirst().orElseThrow().body();
      assertEquals(1, exit.varint(1), "exit code 1: W&B shows the run as failed");
      assertFalse(WandbFileReader.historyRows(records).isEmpty(), "the rows logged before the failure are kept");
      trainer.close();
    }
  }

  /** Trainer.builder().integration("wandb", ...) customizes the callback report_to finds, by name. */
  @Test
  void theBuilderCustomizesTheDiscoveredIntegrationByName() throws Exception {
    TrainerDataset data = dataset(8, 0);
    try (Model model = Model.newInstance("mlp")) {
      model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(2).build()));
      try (Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
          .args(TrainingArguments.builder().outputDir(dir.resolve("out").toString()).reportTo("wandb")
              .saveStrategy("no").loggingSteps(1).perDeviceTrainBatchSize(4).disableTqdm(true).build())
          .trainDataset(data)
          .integration("wandb", cfg -> cfg.set("mode", "offline").set("dir", dir).set("run_id", "byname12")
              .set("project", "customized"))
          .build()) {
        trainer.train();
        WandbCallback wandb = trainer.callbackHandler().callbacks().stream()
            .filter(WandbCallback.class::isInstance).map(WandbCallback.class::cast).findFirst().orElseThrow();
        WandbRun run = wandb.run().orElseThrow();
        assertEquals(WandbMode.OFFLINE, run.mode());
        assertEquals("byname12", run.runId());
        assertTrue(run.directory().orElseThrow().startsWith(dir.resolve("wandb")), "WANDB_DIR from the builder");
      }
    }
  }

  /** {@code n} points of two classes; the collator throws on its {@code failingBatch}-th batch (0: never). */
  private static TrainerDataset dataset(int n, int failingBatch) {
    java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
    List<float[]> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      points.add(new float[] {i % 2, i / (float) n});
    }
    return TrainerDataset.of(points, (examples, manager) -> {
      if (batches.incrementAndGet() == failingBatch) {
        throw new IllegalStateException("a corrupt example");
      }
      float[][] x = examples.toArray(new float[0][]);
      int[] y = new int[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = (int) x[i][0];
      }
      return new Batch(new NDList(manager.create(x)), new NDList(manager.create(y)), x.length);
    });
  }
}
