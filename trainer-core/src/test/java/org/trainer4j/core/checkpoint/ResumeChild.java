package org.trainer4j.core.checkpoint;

import ai.djl.Model;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trainer4j.core.Fixtures;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.TrainerCallback;
import org.trainer4j.core.json.PyJson;
import org.trainer4j.core.metrics.Metrics;

/**
 * The training that {@link KillAndResumeTest} runs in a child JVM and kills: an MLP with dropout,
 * evaluating and saving every 2 steps with {@code save_total_limit=1} (so every save also deletes), and
 * saving again at each epoch's end (so a step that already has a checkpoint is saved a second time).
 * Resumes when checkpoints exist. At the end writes {@code final.safetensors} and {@code history.json}
 * (the whole log history but its timings, every number as Python's repr), and keeps a journal of the
 * saves it completed in {@code <output>.saves}.
 *
 * <p>Arguments: output folder, max_steps, {@code tiny} or {@code big} (a 1M-parameter MLP, whose saves
 * take long enough for random kills to land in them), and optionally where to stop: {@code PHASE#n}
 * pauses at the n-th time this process reaches that {@link Checkpoints.Phase} (or {@code
 * RENAMED_AFTER_REPLACE#n}: the rename that ends a second save of a step) and writes {@code
 * <output>.paused}, for the parent to kill it there.
 */
public final class ResumeChild {
  /** Saves at every epoch's end as well: a user who wants both (here: a second save of the same step). */
  static final class SaveAtEpochEnd implements TrainerCallback {
    @Override
    public void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
      control.setShouldSave(true);
    }
  }

  /**
   * Appends {@code saved N} to a journal after each save is complete (and {@code end} when training has
   * ended, before the end-of-training clean-up), so that the parent knows which steps must survive a kill.
   */
  static final class SaveJournal implements TrainerCallback {
    private final Path journal;

    SaveJournal(Path journal) {
      this.journal = journal;
    }

    @Override
    public void onSave(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
      append("saved " + state.globalStep());
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
      if (context.logs().containsKey("train_runtime")) {
        append("end");
      }
    }

    private void append(String line) {
      try {
        Files.writeString(journal, line + "\n", java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  public static void main(String[] argv) throws Exception {
    Path out = Path.of(argv[0]);
    int maxSteps = Integer.parseInt(argv[1]);
    boolean big = argv[2].equals("big");
    if (argv.length > 3) {
      pauseAt(argv[3], out.resolveSibling(out.getFileName() + ".paused"));
    }
    try (Model model = Model.newInstance("mlp")) {
      SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(big ? 1024 : 16).build())
          .add(Activation::relu).add(Dropout.builder().optRate(0.2f).build());
      if (big) {
        block.add(Linear.builder().setUnits(512).build()).add(Activation::relu);
      }
      model.setBlock(block.add(Linear.builder().setUnits(2).build()));
      TrainingArguments args = TrainingArguments.builder().outputDir(out.toString()).reportTo("none")
          .maxSteps(maxSteps).perDeviceTrainBatchSize(4).gradientAccumulationSteps(2).learningRate(1e-3)
          .loggingSteps(1).evalStrategy("steps").evalSteps(2).saveSteps(2).saveTotalLimit(1)
          .loadBestModelAtEnd(true).metricForBestModel("loss").disableTqdm(true).seed(11).build();
      Trainer trainer = Trainer.builder().model(model).loss(Loss.softmaxCrossEntropyLoss()).args(args)
          .trainDataset(Fixtures.dataset(Fixtures.blobs(40, 3))).evalDataset(Fixtures.dataset(Fixtures.blobs(24, 5)))
          .computeMetrics(p -> Map.of("accuracy", Metrics.accuracy(p)))
          .callbacks(new SaveAtEpochEnd(), new SaveJournal(out.resolveSibling(out.getFileName() + ".saves"))).build();
      Checkpoints.recoverInterruptedSaves(out); // what train(true) does first; decides whether there is one
      boolean resume = Checkpoints.latest(out).isPresent();
      System.out.println("started resume=" + resume);
      trainer.train(resume);
      ModelWeights.save(model.getBlock(), out.resolve("final.safetensors"));
      Files.writeString(out.resolve("history.json"), PyJson.dumps(withoutTimings(trainer.state()), true));
    }
  }

  /** The log history without the values that measure time, which no two runs share. */
  static List<Map<String, Object>> withoutTimings(TrainerState state) {
    return state.logHistory().stream().map(row -> {
      Map<String, Object> kept = new LinkedHashMap<>(row);
      kept.keySet().removeIf(k -> k.endsWith("_runtime") || k.endsWith("_per_second"));
      return kept;
    }).toList();
  }

  private static void pauseAt(String spec, Path marker) {
    String[] parts = spec.split("#");
    String wanted = parts[0];
    int occurrence = Integer.parseInt(parts[1]);
    boolean afterReplace = wanted.equals("RENAMED_AFTER_REPLACE");
    Checkpoints.Phase phase = afterReplace ? Checkpoints.Phase.RENAMED : Checkpoints.Phase.valueOf(wanted);
    int[] seen = {0};
    Checkpoints.Phase[] previous = {null};
    Checkpoints.onPhase(reached -> {
      boolean counts = reached == phase && (!afterReplace || previous[0] == Checkpoints.Phase.OLD_MOVED_ASIDE);
      previous[0] = reached;
      if (counts && ++seen[0] == occurrence) {
        try {
          Files.writeString(marker, spec);
          Thread.sleep(Long.MAX_VALUE); // the parent kills this process here
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    });
  }
}
