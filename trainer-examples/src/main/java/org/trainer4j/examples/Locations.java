package org.trainer4j.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.example.trainer4j.csv.CsvLoggerCallback;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.callback.CallbackRole;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.tensorboard.TensorBoardCallback;
import org.trainer4j.wandb.WandbCallback;
import org.trainer4j.wandb.WandbRun;

/** Where a run's files went: the integrations' folders and the checkpoints, for the closing summary. */
final class Locations {
  private Locations() {}

  static Map<String, String> of(Trainer trainer) {
    Map<String, String> where = new LinkedHashMap<>();
    for (TrainerCallback callback : trainer.callbackHandler().callbacks(CallbackRole.INTEGRATION)) {
      if (callback instanceof TensorBoardCallback tb) {
        tb.logDir().ifPresent(dir -> where.put("TensorBoard logs", dir + "  (tensorboard --logdir "
            + trainer.args().outputDir().resolve("runs") + ")"));
      } else if (callback instanceof WandbCallback wandb) {
        wandb.run().flatMap(WandbRun::directory).ifPresent(dir ->
            where.put("W&B run", dir + "  (upload with: wandb sync " + dir + ")"));
      } else if (callback instanceof CsvLoggerCallback csv) {
        where.put("Metrics CSV", csv.file().toString());
      }
    }
    List<Path> checkpoints = Checkpoints.list(trainer.args().outputDir());
    if (!checkpoints.isEmpty()) {
      where.put("Checkpoints", checkpoints.stream().map(p -> p.getFileName().toString())
          .collect(Collectors.joining(", ", trainer.args().outputDir() + "/{", "}")));
    }
    trainer.state().bestModelCheckpoint().ifPresent(best -> where.put("Best checkpoint", best + " (loaded at the end)"));
    return where;
  }
}
