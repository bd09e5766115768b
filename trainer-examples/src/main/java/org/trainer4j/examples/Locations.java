package org.trainer4j.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.example.trainer4j.csv.CsvLoggerCallback;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.callback.CallbackRole;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.checkpoint.Checkpoints;
import org.trainer4j.tensorboard.TensorBoardCallback;

/** Where a run's files went: the integrations' folders and the checkpoints, for the closing summary. */
final class Locations {
  private Locations() {}

  static Map<String, String> of(Trainer trainer) {
    Map<String, String> where = new LinkedHashMap<>();
    for (TrainerCallback callback : trainer.callbackHandler().callbacks(CallbackRole.INTEGRATION)) {
      if (callback instanceof TensorBoardCallback tb) {
        tb.logDir().ifPresent(dir -> where.put("TensorBoard logs", dir + "  (tensorboard --logdir "
            + trainer.args().outputDir().resolve("runs") + ")"));
      } else if (callback instanceof CsvLoggerCallback csv) {
        where.put("Metrics CSV", csv.file().toString());
      }
    }
    where.put("Checkpoints", Checkpoints.list(trainer.args().outputDir()).stream()
        .map(p -> p.getFileName().toString()).collect(Collectors.joining(", ", trainer.args().outputDir() + "/{", "}")));
    trainer.state().bestModelCheckpoint().ifPresent(best -> where.put("Best checkpoint", best + " (loaded at the end)"));
    return where;
  }
}
