package org.trainer4j.benchmarks.harness;

import ai.djl.Model;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.console.PrinterCallback;
import org.trainer4j.tensorboard.TensorBoardCallback;
import org.trainer4j.wandb.WandbCallback;
import org.trainer4j.wandb.WandbMode;
import org.trainer4j.wandb.WandbSettings;

/**
 * The same training through {@link Trainer}. The console callback normally stays, printing each row to
 * a null stream: a user's Trainer formats its rows too, but the benchmark's own output stays readable.
 * Optionally TensorBoard and W&B (offline) are attached, writing into the scratch folder.
 */
final class TrainerLoop {
  /** Where rows go when they would be printed: nowhere, after being formatted. */
  static final PrintStream NULL_CONSOLE = new PrintStream(OutputStream.nullOutputStream());

  private TrainerLoop() {}

  /** Which integrations the Trainer reports to. */
  enum Integrations { NONE, TENSORBOARD_AND_WANDB }

  /** Whether log rows are formatted for the console (and printed to a null stream) or not at all. */
  enum Console { NULL_STREAM, REMOVED }

  /**
   * Builds a Trainer for a fresh copy of the workload's model and times {@code train()} plus {@code
   * close()} (which finishes the W&B run: the user's program waits for that too).
   */
  static LoopResult run(LoopWorkload<?> workload, LoopSettings settings, Integrations integrations, Path scratch,
      List<TrainerCallback> extra) {
    return run(workload, settings, integrations, Console.NULL_STREAM, scratch, extra);
  }

  static LoopResult run(LoopWorkload<?> workload, LoopSettings settings, Integrations integrations, Console console,
      Path scratch, List<TrainerCallback> extra) {
    TrainingArguments args = settings.arguments(scratch.resolve("out")).toBuilder()
        .loggingDir(scratch.resolve("tensorboard")).build();
    try (Model model = workload.newModel()) {
      Trainer trainer = workload.trainer(model, args)
          .callbacks(callbacks(integrations, scratch))
          .callbacks(extra)
          .build();
      trainer.removeCallback(PrinterCallback.class);
      if (console == Console.NULL_STREAM) {
        trainer.addCallback(new PrinterCallback(NULL_CONSOLE));
      }
      long start = System.nanoTime();
      long cpuStart = LoopResult.processCpuNanos();
      try {
        trainer.train();
      } finally {
        trainer.close();
      }
      long nanos = System.nanoTime() - start;
      return new LoopResult(settings.steps(), nanos, LoopResult.processCpuNanos() - cpuStart, losses(trainer));
    }
  }

  private static List<TrainerCallback> callbacks(Integrations integrations, Path scratch) {
    if (integrations == Integrations.NONE) {
      return List.of();
    }
    WandbSettings wandb = WandbSettings.builder().mode(WandbMode.OFFLINE).directory(scratch).silent(true).build();
    return List.of(new TensorBoardCallback(), new WandbCallback(wandb));
  }

  /** The {@code loss} of every training row of {@code log_history}. */
  private static List<Double> losses(Trainer trainer) {
    List<Double> out = new ArrayList<>();
    for (Map<String, Object> row : trainer.state().logHistory()) {
      if (row.get("loss") instanceof Number n) {
        out.add(n.doubleValue());
      }
    }
    return List.copyOf(out);
  }
}
