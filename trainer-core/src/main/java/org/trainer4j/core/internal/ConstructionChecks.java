package org.trainer4j.core.internal;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.trainer4j.core.args.IntervalStrategy;
import org.trainer4j.core.args.SaveStrategy;
import org.trainer4j.core.callback.EarlyStoppingCallback;
import org.trainer4j.core.data.TrainerDataset;
import org.trainer4j.core.metrics.ComputeMetrics;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;

/**
 * What {@code Trainer.builder().build()} checks so that a run that cannot work fails before any work is
 * done rather than after an epoch: the datasets the arguments need, a model with something to train,
 * a metric that evaluation can produce, and an {@code output_dir} that can take checkpoints.
 */
public final class ConstructionChecks {
  /** What an evaluation without {@code computeMetrics} produces (the loss only when the data has labels). */
  private static final List<String> BUILT_IN_METRICS =
      List.of("eval_loss", "eval_runtime", "eval_samples_per_second", "eval_steps_per_second", "epoch");

  private ConstructionChecks() {}

  public static void check(TrainingArguments args, Model model, TrainerDataset train, TrainerDataset eval,
      ComputeMetrics computeMetrics) {
    if (args.evalStrategy() != IntervalStrategy.NO && eval == null) {
      // HF's Trainer.__init__ refuses this too.
      throw new IllegalArgumentException("eval_strategy=" + args.evalStrategy() + " is not allowed without an eval"
          + " dataset; give one to Trainer.builder().evalDataset(...) or set eval_strategy=no");
    }
    if (args.evalOnStart() && eval == null) {
      throw new IllegalArgumentException("eval_on_start=true is not allowed without an eval dataset; give one to"
          + " Trainer.builder().evalDataset(...) or set eval_on_start=false");
    }
    if (eval != null && eval.size() == 0) {
      throw new IllegalArgumentException("the eval dataset is empty (0 examples); give one with examples");
    }
    if (args.evalStrategy() != IntervalStrategy.NO && computeMetrics == null) {
      args.metricForBestModel().map(EarlyStoppingCallback::metricKey).filter(k -> !BUILT_IN_METRICS.contains(k))
          .ifPresent(key -> {
            throw new IllegalArgumentException("metric_for_best_model=" + args.metricForBestModel().get() + " is not"
                + " allowed without computeMetrics: evaluation then produces only " + BUILT_IN_METRICS.subList(0, 4)
                + "; give Trainer.builder().computeMetrics(...) a function that returns " + key.substring(5)
                + ", or use metric_for_best_model=loss");
          });
    }
    if (model == null || train == null) {
      return; // evaluation and prediction only
    }
    checkTrainDataset(args, train);
    checkTrainableParameters(model);
    if (args.saveStrategy() != SaveStrategy.NO) {
      checkOutputDir(args.outputDir());
    }
  }

  private static void checkTrainDataset(TrainingArguments args, TrainerDataset train) {
    if (train.size() == 0) {
      throw new IllegalArgumentException("the training dataset is empty (0 examples); give one with examples");
    }
    if (args.dataloaderDropLast() && train.size() < args.perDeviceTrainBatchSize()) {
      throw new IllegalArgumentException("the training dataset yields no batch: its " + train.size()
          + " examples are fewer than per_device_train_batch_size=" + args.perDeviceTrainBatchSize()
          + " and dataloader_drop_last=true drops them");
    }
  }

  private static void checkTrainableParameters(Model model) {
    int total = 0;
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      total++;
      if (p.getValue().requiresGradient()) {
        return;
      }
    }
    throw new IllegalArgumentException("the model has no trainable parameters (" + (total == 0
        ? "its block has no parameters at all"
        : "all " + total + " of its parameters are frozen: they do not require gradients")
        + "), so training cannot change it; unfreeze some (block.freezeParameters(false)), or give no train"
        + " dataset to use the Trainer for evaluate() and predict() only");
  }

  /**
   * {@code output_dir} must be a folder that can be written (HF creates it at construction): checked
   * now, not at the first save after an epoch of training. An existing folder is probed with a file
   * created and deleted at once; a missing one needs its nearest existing parent to be a writable folder.
   */
  static void checkOutputDir(Path outputDir) {
    Path absolute = outputDir.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return; // nothing of the path exists, not even a root: let the first save report it
    }
    if (!Files.isDirectory(existing)) {
      throw new IllegalArgumentException("output_dir=" + outputDir + " is not allowed: " + (existing.equals(absolute)
          ? "it is a file, not a folder" : existing + " is a file, not a folder") + "; give a folder to write checkpoints to");
    }
    if (!existing.equals(absolute)) {
      if (!Files.isWritable(existing)) {
        throw new IllegalArgumentException("output_dir=" + outputDir + " is not allowed: it cannot be created,"
            + " because " + existing + " is not writable; give a folder to write checkpoints to");
      }
      return;
    }
    try {
      Files.delete(Files.createTempFile(absolute, ".write-check-", ""));
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("output_dir=" + outputDir + " is not allowed: it is not writable ("
          + e + "); give a folder to write checkpoints to", e);
    }
  }
}
