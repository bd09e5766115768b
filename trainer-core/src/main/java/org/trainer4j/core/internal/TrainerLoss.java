package org.trainer4j.core.internal;

import ai.djl.training.loss.Loss;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.engine.ComputeLoss;
import org.trainer4j.core.engine.LabelSmoothable;
import org.trainer4j.core.engine.TrainingEngine;

/**
 * The loss a Trainer's {@code DjlEngine} computes, from what the builder was given: a DJL loss (label-smoothed
 * when {@code label_smoothing_factor} is above 0, as HF's Trainer then uses its {@code LabelSmoother}) or a
 * {@code compute_loss} function; checked when the Trainer is built.
 */
public final class TrainerLoss {
  private TrainerLoss() {}

  /**
   * @throws IllegalArgumentException when neither or both are given, or {@code label_smoothing_factor} cannot
   *     apply (a loss that cannot smooth, a compute_loss function)
   */
  public static ComputeLoss of(Loss loss, ComputeLoss computeLoss, TrainingArguments args) {
    if (loss == null && computeLoss == null) {
      throw new IllegalArgumentException("a loss is required, e.g. Trainer.builder().loss(Loss.softmaxCrossEntropyLoss()),"
          + " or a function that computes it: Trainer.builder().computeLoss(...)");
    }
    if (loss != null && computeLoss != null) {
      throw new IllegalArgumentException("give the Trainer either loss(...) or computeLoss(...), not both: a"
          + " compute_loss function computes the loss itself");
    }
    if (computeLoss != null) {
      if (args.labelSmoothingFactor() != 0) {
        throw new IllegalArgumentException("label_smoothing_factor=" + args.labelSmoothingFactor() + " applies to the"
            + " loss given to Trainer.builder().loss(...); a computeLoss(...) function computes its loss itself:"
            + " smooth the labels inside it (e.g. with trainer-transformers' new CrossEntropyLoss("
            + args.labelSmoothingFactor() + ")) and set label_smoothing_factor=0");
      }
      return computeLoss;
    }
    return ComputeLoss.of(LabelSmoothable.smoothed(loss, args.labelSmoothingFactor()));
  }

  /**
   * An engine of one's own computes its own loss, so the Trainer cannot smooth it: the engine must have smoothed it
   * by the arguments' factor already ({@link TrainingEngine#labelSmoothingFactor()}).
   *
   * @throws IllegalArgumentException when the factors differ
   */
  public static void checkOwnEngine(TrainingArguments args, TrainingEngine engine) {
    if (args.labelSmoothingFactor() != engine.labelSmoothingFactor()) {
      throw new IllegalArgumentException("label_smoothing_factor=" + args.labelSmoothingFactor() + " applies to the"
          + " loss given to Trainer.builder().loss(...); the engine given to Trainer.builder().engine(...) computes"
          + " its own loss, smoothed by " + engine.labelSmoothingFactor() + ": build the engine from these"
          + " arguments (DjlEngine.of(model, loss, args), or DataParallelEngine.of(model, loss, args, ...)) or"
          + " report the factor from its labelSmoothingFactor()");
    }
  }
}
