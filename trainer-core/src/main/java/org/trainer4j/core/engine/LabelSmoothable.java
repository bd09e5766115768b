package org.trainer4j.core.engine;

import ai.djl.training.loss.Loss;

/**
 * A loss that can smooth its labels, for {@code label_smoothing_factor}: when the option is above 0 the
 * Trainer trains and evaluates with {@link #withLabelSmoothing} of the loss given to {@code
 * Trainer.builder().loss(...)}, as HF's Trainer then computes the loss with its {@code LabelSmoother}.
 * Implement it on a DJL {@link Loss}; trainer-transformers' {@code CrossEntropyLoss} does.
 */
public interface LabelSmoothable {
  /**
   * This loss with labels smoothed by {@code labelSmoothingFactor} (HF's epsilon, in (0, 1)), as a new loss;
   * this one is unchanged.
   *
   * @throws IllegalArgumentException when this loss cannot take that factor (e.g. it smooths by another already)
   */
  Loss withLabelSmoothing(double labelSmoothingFactor);

  /**
   * The loss to use for {@code label_smoothing_factor}: {@code loss} itself at 0, else its smoothed copy.
   *
   * @throws IllegalArgumentException when the factor is above 0 and {@code loss} cannot smooth its labels (it
   *     does not implement this interface), naming the option, the value, the loss and what to use instead
   */
  static Loss smoothed(Loss loss, double labelSmoothingFactor) {
    if (labelSmoothingFactor == 0) {
      return loss;
    }
    if (loss instanceof LabelSmoothable smoothable) {
      return smoothable.withLabelSmoothing(labelSmoothingFactor);
    }
    throw new IllegalArgumentException("label_smoothing_factor=" + labelSmoothingFactor + " needs a loss that can"
        + " smooth its labels (a " + LabelSmoothable.class.getName() + "), but the loss '" + loss.getName() + "' ("
        + loss.getClass().getName() + ") cannot; use trainer-transformers' CrossEntropyLoss (cross entropy with HF's"
        + " LabelSmoother), or set label_smoothing_factor=0 and smooth the labels in your own loss");
  }
}
