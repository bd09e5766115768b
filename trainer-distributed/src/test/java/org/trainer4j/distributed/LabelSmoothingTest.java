package org.trainer4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.engine.DjlEngine;
import org.trainer4j.transformers.loss.CrossEntropyLoss;

/** {@code label_smoothing_factor} works unchanged with the data-parallel engine built from the arguments. */
class LabelSmoothingTest {
  @TempDir Path dir;

  @Test
  void theEngineBuiltFromTheArgumentsSmoothsAsTheTrainerDoes() {
    List<Object> plain = losses("plain", (model, args) -> Trainer.builder().model(model)
        .loss(new CrossEntropyLoss()));
    List<Object> dataParallel = losses("ddp", (model, args) -> Trainer.builder()
        .engine(DataParallelEngine.of(model, new CrossEntropyLoss(), args, Collective.single(), 0)));
    List<Object> unsmoothed = losses("unsmoothed", 0, (model, args) -> Trainer.builder().model(model)
        .loss(new CrossEntropyLoss()));
    assertEquals(plain, dataParallel, "the same losses, bit for bit");
    assertNotEquals(plain, unsmoothed, "smoothing changes the losses");
  }

  @Test
  void anEngineWhoseLossWasNotSmoothedIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> losses("refused",
        (model, args) -> Trainer.builder().engine(new DataParallelEngine(
            new DjlEngine(model, new CrossEntropyLoss(), List.of()), model, Collective.single(), 0))));
    assertTrue(e.getMessage().startsWith("label_smoothing_factor=0.1 applies to the loss given to"
        + " Trainer.builder().loss(...); the engine given to Trainer.builder().engine(...) computes its own loss,"
        + " smoothed by 0.0"), e.getMessage());
  }

  private interface Setup {
    Trainer.Builder builder(Model model, TrainingArguments args);
  }

  private List<Object> losses(String out, Setup setup) {
    return losses(out, 0.1, setup);
  }

  /** 6 steps of the 4 → 8 → 2 MLP of {@link TrainWorker}; the logged loss of each. */
  private List<Object> losses(String out, double factor, Setup setup) {
    TrainingArguments args = TrainingArguments.builder().outputDir(dir.resolve(out).toString()).reportTo("none")
        .disableTqdm(true).seed(7).perDeviceTrainBatchSize(16).maxSteps(6).loggingSteps(1).learningRate(0.05)
        .saveStrategy("no").labelSmoothingFactor(factor).build();
    try (Model model = Model.newInstance("mlp")) {
      model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(8).build()).add(Activation::relu)
          .add(Linear.builder().setUnits(2).build()));
      try (Trainer trainer = setup.builder(model, args).args(args).trainDataset(TrainWorker.dataset(256, 11))
          .build()) {
        trainer.train();
        return trainer.state().logHistory().stream().filter(r -> r.containsKey("loss")).map(r -> r.get("loss"))
            .toList();
      }
    }
  }
}
