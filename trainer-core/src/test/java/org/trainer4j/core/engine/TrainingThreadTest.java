package org.trainer4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/**
 * PyTorch's autograd switch is per thread, and DJL turns it off only on the thread that starts the
 * engine. Training and resuming on another thread (a Spark executor's next task, a server's worker
 * pool) must still update and load the weights in place: autograd refuses in-place writes to a weight
 * there unless they go through a detached view.
 */
class TrainingThreadTest {
  @TempDir Path dir;

  @Test
  void trainsAndResumesOnThreadsOtherThanTheOneThatStartedPyTorch() throws Exception {
    Engine.getEngine("PyTorch"); // started here, if no test has started it yet
    Path run = dir.resolve("run");
    Map<String, float[]> trained = onNewThread(() -> train(run, null));
    assertTrue(Files.isDirectory(run.resolve("checkpoint-2")));

    Map<String, float[]> resumed = onNewThread(() -> train(dir.resolve("resumed"), run.resolve("checkpoint-2")));
    assertEquals(trained.keySet(), resumed.keySet());
    for (String name : trained.keySet()) {
      assertArrayEquals(trained.get(name), resumed.get(name), name);
    }
  }

  /** Four AdamW steps of a small MLP, a checkpoint every two; returns the final weights. */
  private static Map<String, float[]> train(Path out, Path resumeFrom) {
    TrainingArguments.Builder args = TrainingArguments.builder().outputDir(out.toString()).reportTo("none")
        .perDeviceTrainBatchSize(4).learningRate(0.05).maxSteps(4).saveSteps(2).seed(7);
    if (resumeFrom != null) {
      args.resumeFromCheckpoint(resumeFrom.toString());
    }
    try (Model model = Fixtures.mlp(4);
        Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args.build())
            .trainDataset(Fixtures.dataset(Fixtures.blobs(16, 1))).build()) {
      trainer.train();
      return Fixtures.parameters(model);
    }
  }

  private static <T> T onNewThread(Callable<T> work) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread.submit(work).get();
    } finally {
      thread.shutdown();
    }
  }
}
