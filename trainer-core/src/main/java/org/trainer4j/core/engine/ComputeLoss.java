package org.trainer4j.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * HF's {@code Trainer.compute_loss} override: given the model, a batch's inputs and its labels, run the model
 * and return the loss and the model's outputs. Give it to {@code Trainer.builder().computeLoss(...)} instead of
 * a {@code loss(...)} when the loss needs more than the outputs and the labels: an input array (a mask, a
 * weight per example), a second model (a teacher's logits for distillation), several forward passes.
 *
 * <p>The Trainer calls it for every training micro-batch (the gradient of the returned loss trains the model;
 * with gradient accumulation it is divided by the window's length, as HF does without {@code
 * num_items_in_batch}, which is not passed) and for every evaluation or prediction batch that has labels:
 * there the loss is {@code eval_loss} and the first output not in {@code ignore_keys} the predictions (HF's
 * {@code return_outputs=True}). A batch without labels is evaluated by calling the model directly, as in HF.
 *
 * <pre>{@code
 * ComputeLoss maskedMean = (model, inputs, labels) -> {
 *   NDList outputs = model.forward(inputs);
 *   ...                                   // inputs.get("attention_mask"), labels.get("labels"), ...
 *   return new ComputeLoss.Result(loss, outputs);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ComputeLoss {
  /**
   * The loss of one batch and the model's outputs.
   *
   * @param model the model being trained or evaluated, in the mode of the step (dropout on while training)
   * @param inputs the batch's inputs as the collator made them (named arrays: {@code inputs.get("input_ids")})
   * @param labels the batch's labels, narrowed to {@code label_names} when that is set (empty when a training
   *     batch has none)
   * @return a scalar loss that the gradient flows through, and the outputs
   */
  Result compute(ModelCall model, NDList inputs, NDList labels);

  /**
   * What HF's default {@code compute_loss} does with a DJL loss: run the model once, then {@code
   * loss.evaluate(labels, outputs)}. Call it inside your own function to add a term to the usual loss (HF's
   * {@code super().compute_loss(...)}).
   */
  static ComputeLoss of(Loss loss) {
    if (loss == null) {
      throw new IllegalArgumentException("ComputeLoss.of needs a loss, got null");
    }
    return new DjlLoss(loss);
  }

  /** The model as {@link #compute} may call it, once or several times. */
  interface ModelCall {
    /** The model's outputs for these inputs (arrays freed with the batch). */
    NDList forward(NDList inputs);

    /** Whether this is a training step (HF's {@code model.training}). */
    boolean training();
  }

  /**
   * @param loss a scalar
   * @param outputs the model's outputs (the first one not in {@code ignore_keys} becomes the predictions)
   */
  record Result(NDArray loss, NDList outputs) {}
}
