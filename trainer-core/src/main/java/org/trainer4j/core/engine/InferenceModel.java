package org.trainer4j.core.engine;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.trainer4j.core.Trainer;

/**
 * A model the Trainer can evaluate and predict with but not train, such as an ONNX Runtime session
 * (module {@code trainer-onnx}). Give it to {@link Trainer.Builder#inferenceModel}; metrics, callbacks
 * and integrations work as with a DJL model.
 */
public interface InferenceModel extends AutoCloseable {
  /**
   * The outputs for one batch of inputs, as arrays created in {@code manager} (the first output not in
   * {@code ignore_keys} becomes the predictions; the loss sees them all).
   */
  NDList forward(NDList inputs, NDManager manager);

  /** What {@link Trainer#train()} says when asked to train this model. */
  default String trainingUnsupportedMessage() {
    return getClass().getSimpleName() + " is for evaluation and prediction; train a DJL model instead";
  }

  /** Frees the model's resources; the Trainer calls it from {@link Trainer#close()}. */
  @Override
  void close();
}
