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
            + tensorBoardLogDir(dir, trainer.args().outputDir()) + ")"));
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
    String loaded = trainer.args().loadBestModelAtEnd() ? " (loaded at the end)" : "";
    trainer.state().bestModelCheckpoint().ifPresent(best -> where.put("Best checkpoint", best + loaded));
    return where;
  }

  /**
   * What to give {@code tensorboard --logdir}: {@code <output_dir>/runs}, which holds every run of the
   * default layout, when the run folder is one of them; else the run folder itself ({@code logging_dir}
   * or {@code TENSORBOARD_LOGGING_DIR} chose it).
   */
  static Path tensorBoardLogDir(Path runFolder, Path outputDir) {
    Path runs = outputDir.resolve("runs");
    Path parent = runFolder.toAbsolutePath().normalize().getParent();
    return runs.toAbsolutePath().normalize().equals(parent) ? runs : runFolder;
  }
}
