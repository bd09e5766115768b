package org.trainer4j.transformers.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * PyTorch's {@code BCEWithLogitsLoss}, HF's loss for {@code problem_type=multi_label_classification}: each of the
 * {@code num_labels} outputs is a yes/no logit, the labels are 0/1 (or probabilities) of the same shape, and the loss
 * is the mean over all of them of {@code max(x, 0) - x * y + log(1 + exp(-|x|))} (the numerically stable form).
 * Predictions are the model's output named {@code logits}, else its first output.
 */
public final class BceWithLogitsLoss extends Loss {
  public BceWithLogitsLoss() {
    super("bce_with_logits");
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logits = LossInputs.logits(predictions);
    NDArray target = LossInputs.target(labels, "binary cross entropy");
    if (!target.getShape().equals(logits.getShape())) {
      throw new IllegalArgumentException("labels of shape " + target.getShape() + " do not fit logits of shape "
          + logits.getShape() + ": multi-label targets have one 0/1 value per label (Features.withScores)");
    }
    NDArray y = target.toType(logits.getDataType(), false);
    // Only arrays, no Java numbers, enter the graph (core's Scalars explains why).
    NDArray softplus = logits.abs().neg().exp().add(logits.onesLike()).log();
    return logits.maximum(logits.zerosLike()).sub(logits.mul(y)).add(softplus).mean();
  }
}
