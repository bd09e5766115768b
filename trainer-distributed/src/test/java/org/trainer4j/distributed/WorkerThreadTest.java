package org.trainer4j.distributed;

import static org.trainer4j.distributed.TrainingResults.assertSameHistory;
import static org.trainer4j.distributed.TrainingResults.assertSameWeights;
import static org.trainer4j.distributed.TrainingResults.result;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark executor runs each task on a thread of its pool, and PyTorch's autograd switch is per thread
 * (DJL turns it off only on the thread that starts the engine). A worker on another thread must train as
 * on that one; the exchange writes process zero's weights into each replica in place.
 */
class WorkerThreadTest {
  private static final WorkerEnvironment ALONE =
      WorkerEnvironment.from(Map.of(WorkerEnvironment.RANK, "0", WorkerEnvironment.WORLD_SIZE, "1"));

  @TempDir
  Path dir;

  @Test
  void aWorkerOnAThreadOtherThanTheOneThatStartedPyTorchTrainsTheSame() throws Exception {
    Engine.getEngine("PyTorch"); // started here, if no test has started it yet
    Path here = Files.createDirectories(dir.resolve("here"));
    TrainWorker.writeResult(here, 0, TrainWorker.train(here, 64, 1, "none", -1, ALONE, Collective.single()));
    Path other = Files.createDirectories(dir.resolve("other"));
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      thread.submit(() -> {
        TrainWorker.writeResult(other, 0, TrainWorker.train(other, 64, 1, "none", -1, ALONE, Collective.single()));
        return null;
      }).get();
    } finally {
      thread.shutdown();
    }
    assertSameHistory(result(here, 0).get("log_history"), result(other, 0).get("log_history"));
    assertSameWeights(result(here, 0).get("weights"), result(other, 0).get("weights"));
  }
}
