package org.trainer4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.trainer4j.core.checkpoint.CheckpointFiles;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.checkpoint.Safetensors;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.core.optim.LrScheduler;
import org.trainer4j.core.optim.Optimizer;
import org.trainer4j.core.optim.OptimizerState;

/**
 * Writes and reads the optimizer ({@code optimizer.safetensors}, scalars in its metadata) and schedule
 * ({@code scheduler.json}) of a checkpoint.
 */
final class CheckpointState {
  private CheckpointState() {}

  static void saveOptimizer(Path dir, Optimizer optimizer, LrScheduler scheduler) throws IOException {
    OptimizerState state = optimizer.state();
    Safetensors.write(dir.resolve(Checkpoints.OPTIMIZER), state.arrays(),
        Map.of("scalars", PyJson.dumps(state.scalars(), true)));
    Files.writeString(dir.resolve(Checkpoints.SCHEDULER), PyJson.dumps(scheduler.state(), true) + "\n");
  }

  /**
   * Loads the optimizer and schedule state of a checkpoint.
   *
   * @throws IllegalArgumentException naming the file that is damaged or does not fit this run
   */
  @SuppressWarnings("unchecked")
  static void loadOptimizer(Path dir, Optimizer optimizer, LrScheduler scheduler) {
    CheckpointFiles.load(dir.resolve(Checkpoints.OPTIMIZER), file -> {
      String text = Safetensors.readMetadata(file).get("scalars");
      if (text == null) {
        throw new IllegalArgumentException("it has no \"scalars\" metadata (the optimizer's step and settings)");
      }
      Map<String, Object> scalars = (Map<String, Object>) PyJson.loads(text);
      Object savedName = scalars.get("optimizer");
      if (savedName != null && !optimizer.name().equals(savedName)) {
        throw new IllegalArgumentException("the checkpoint " + dir + " was trained with optim=" + savedName
            + ", this run uses optim=" + optimizer.name() + "; resume with the same optimizer");
      }
      try (NDManager manager = NDManager.newBaseManager()) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Safetensors.read(file).forEach((name, tensor) -> arrays.put(name, tensor.toArray(manager)));
        optimizer.loadState(new OptimizerState(arrays, scalars));
      }
    });
    CheckpointFiles.load(dir.resolve(Checkpoints.SCHEDULER),
        file -> scheduler.loadState((Map<String, Object>) PyJson.loads(Files.readString(file))));
  }

  /** Moves a fresh schedule to a step (a model-only checkpoint has no schedule state). */
  static void fastForward(LrScheduler scheduler, int steps) {
    for (int i = 0; i < steps; i++) {
      scheduler.step();
    }
  }
}
