package org.trainer4j.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.trainer4j.core.checkpoint.CheckpointFiles;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.core.optim.LrScheduler;

/**
 * Writes and reads the schedule ({@code scheduler.json}) of a checkpoint; the optimizer's state is the
 * engine's ({@code TrainingEngine.saveOptimizer}).
 */
final class CheckpointState {
  private CheckpointState() {}

  static void saveScheduler(Path dir, LrScheduler scheduler) throws IOException {
    Files.writeString(dir.resolve(Checkpoints.SCHEDULER), PyJson.dumps(scheduler.state(), true) + "\n");
  }

  /**
   * Loads the schedule state of a checkpoint.
   *
   * @throws IllegalArgumentException naming the file when it is damaged
   */
  @SuppressWarnings("unchecked")
  static void loadScheduler(Path dir, LrScheduler scheduler) {
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
