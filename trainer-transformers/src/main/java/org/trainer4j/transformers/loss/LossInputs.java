package org.trainer4j.transformers.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** What this package's losses read from a batch: the model's logits and the labels. */
final class LossInputs {
  private LossInputs() {}

  /** The output named {@code logits}, else the first output. */
  static NDArray logits(NDList predictions) {
    NDArray logits = predictions.get("logits");
    return logits != null ? logits : predictions.head();
  }

  /** The first label array; a batch without labels is an error naming the loss. */
  static NDArray target(NDList labels, String loss) {
    if (labels.isEmpty()) {
      throw new IllegalArgumentException(loss + " needs labels; the batch has none");
    }
    return labels.head();
  }
}
