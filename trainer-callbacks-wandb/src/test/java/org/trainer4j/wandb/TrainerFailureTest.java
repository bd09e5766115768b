package org.trainer4j.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    List<float[]> points = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      points.add(new float[] {i % 2, i / 16f});
    }
    TrainerDataset data = TrainerDataset.of(points, (examples, manager) -> {
      float[][] x = examples.toArray(new float[0][]);
      int[] y = new int[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = (int) x[i][0];
      }
      return new Batch(new NDList(manager.create(x)), new NDList(manager.create(y)), x.length);
    });
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
}
