package org.trainer4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.StandardError;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/**
 * Factors the backward pass keeps must outlive the garbage collector: DJL's {@code x.mul(0.5f)} puts the number on a
 * direct buffer that is freed once its closed Java array is collected, while autograd still reads it.
 */
class ScalarsTest {
  @TempDir Path dir;

  @Test
  void factorsSurviveACollectionBetweenForwardAndBackward() {
    try (NDManager manager = NDManager.newBaseManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray x = manager.create(new float[] {1, 2, 3, 4});
      x.setRequiresGradient(true);
      NDArray y = Scalars.dividedBy(Scalars.times(x, 0.5), 4).sum();
      reuseFreedDirectMemory();
      collector.backward(y);
      assertArrayEquals(new float[] {0.125f, 0.125f, 0.125f, 0.125f}, x.getGradient().toFloatArray());
      assertEquals(1.25f, y.getFloat());
    }
  }

  /** DJL's L2Loss keeps its ½ on a buffer the collector frees; the replacement gives its numbers, safely. */
  @Test
  void meanSquaredErrorGivesExactGradientsAfterACollectionAndDjlsL2LossNumbers() {
    try (NDManager manager = NDManager.newBaseManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray x = manager.create(new float[] {1, 2, 3, 4});
      x.setRequiresGradient(true);
      NDList labels = new NDList(manager.create(new float[] {0, 0, 1, 1}));
      NDArray halved = MeanSquaredErrorLoss.halved().evaluate(labels, new NDList(x));
      assertEquals(Loss.l2Loss().evaluate(labels, new NDList(x)).getFloat(), halved.getFloat());
      assertEquals(2.25f, halved.getFloat()); // (1 + 4 + 4 + 9) / 4 / 2
      assertEquals(4.5f, new MeanSquaredErrorLoss().evaluate(labels, new NDList(x)).getFloat()); // PyTorch's MSELoss
      reuseFreedDirectMemory();
      collector.backward(halved);
      // d/dx mean((x - y)^2) / 2 = (x - y) / 4
      assertArrayEquals(new float[] {0.25f, 0.5f, 0.5f, 0.75f}, x.getGradient().toFloatArray());
    }
  }

  @Test
  void aTrainerGivenDjlsL2LossWarnsAndNamesTheReplacement() {
    String err = StandardError.during(() -> {
      try (Model model = Fixtures.mlp(4)) {
        Trainer.builder().model(model).loss(Loss.l2Loss())
            .args(TrainingArguments.builder().outputDir(dir.toString()).reportTo("none").build()).build().close();
      }
    });
    assertTrue(err.contains("DJL's L2Loss multiplies by 1/2 with a Java number that the garbage collector can free"
        + " before the backward pass reads it"), err);
    assertTrue(err.contains("use MeanSquaredErrorLoss.halved()"), err);
  }

  /**
   * The whole loop with gradient accumulation (each micro-batch's loss divided by the window before backward) while
   * the collector runs all the time: the run must equal a quiet one bit for bit. The division's window between
   * forward and backward is microseconds, so this guards the loop as a whole; the test above proves the factor.
   */
  @Test
  void gradientAccumulationTrainsAlikeWhileTheCollectorRunsAllTheTime() throws InterruptedException {
    List<Object> quiet = losses("quiet");
    Thread gc = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
      }
    }, "gc-all-the-time");
    gc.setDaemon(true);
    gc.start();
    try {
      assertEquals(quiet, losses("collected"));
    } finally {
      gc.interrupt();
      gc.join();
    }
  }

  /** 30 steps of 4 micro-batches each; the logged loss of each step. */
  private List<Object> losses(String out) {
    TrainingArguments args = TrainingArguments.builder().outputDir(dir.resolve(out).toString()).reportTo("none")
        .disableTqdm(true).seed(7).perDeviceTrainBatchSize(2).gradientAccumulationSteps(4).maxSteps(30)
        .loggingSteps(1).learningRate(0.05).saveStrategy("no").build();
    try (Model model = Fixtures.mlp(8);
        Trainer trainer = Trainer.builder().model(model).args(args).loss(Loss.softmaxCrossEntropyLoss())
            .trainDataset(Fixtures.dataset(Fixtures.blobs(64, 3))).build()) {
      trainer.train();
      List<Object> losses = trainer.state().logHistory().stream().filter(r -> r.containsKey("loss"))
          .map(r -> r.get("loss")).toList();
      assertEquals(30, losses.size());
      return losses;
    }
  }

  /** Lets the collector free unreachable direct buffers, then fills fresh small ones with a large float. */
  static void reuseFreedDirectMemory() {
    List<ByteBuffer> junk = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      System.gc();
      for (int i = 0; i < 256; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(Float.BYTES);
        b.putFloat(0, 3.0e38f);
        junk.add(b);
      }
    }
  }
}
