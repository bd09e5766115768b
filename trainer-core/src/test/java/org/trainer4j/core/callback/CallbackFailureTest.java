package org.trainer4j.core.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.metrics.TrainOutput;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;

class CallbackFailureTest {
  @TempDir Path dir;

  private Trainer trainer(Model model, String runName, TrainerCallback... callbacks) {
    return Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss())
        .args(TrainingArguments.builder().outputDir(dir.toString()).runName(runName).loggingSteps(1)
            .saveStrategy("no").maxSteps(3).perDeviceTrainBatchSize(4).build())
        .trainDataset(Fixtures.dataset(Fixtures.blobs(12, 1)))
        .callbacks(callbacks).build();
  }

  @Test
  void aUserCallbackThatThrowsStopsTrainingNamingItAndTheEvent() {
    class Broken implements TrainerCallback {
      @Override
      public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c, CallbackContext x) {
        throw new IllegalStateException("boom");
      }
    }
    try (Model model = Fixtures.mlp(2)) {
      Trainer trainer = trainer(model, "user-failure", new Broken());
      CallbackException e = assertThrows(CallbackException.class, trainer::train);
      assertTrue(e.getMessage().contains(Broken.class.getName()), e.getMessage());
      assertTrue(e.getMessage().contains("onStepEnd"), e.getMessage());
      assertTrue(e.getMessage().contains("boom"), e.getMessage());
      assertEquals(1, trainer.state().globalStep());
    }
  }

  @Test
  void anIntegrationThatThrowsIsSwitchedOffAndTrainingGoesOn() {
    FailingProvider.CALLS.set(0);
    try (Model model = Fixtures.mlp(2)) {
      TrainOutput out = trainer(model, "fail-integration").train();
      assertEquals(3, out.globalStep());
      assertEquals(1, FailingProvider.CALLS.get(), "the failing integration is called once, then switched off");
    }
  }
}
