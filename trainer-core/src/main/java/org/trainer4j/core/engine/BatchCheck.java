package org.trainer4j.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.trainer4j.core.data.Batch;

/**
 * Turns a batch the engine would reject with "Cannot expand from (31) to (32, 10)" or "index 12 is out
 * of bounds" into a message that names the batch and its examples. Shapes are checked on every batch
 * (they are known without touching the data); label values only when the loss fails, and only for a
 * loss whose labels have a range ({@link SoftmaxCrossEntropyLoss} with class indices).
 */
final class BatchCheck {
  private static final int LISTED = 8;

  private BatchCheck() {}

  /** Where a batch comes from, for messages: {@code training batch 3 of epoch 0}. */
  record Place(String split, int epoch, int batch) {
    @Override
    public String toString() {
      return split.equals("training") ? "training batch " + batch + " of epoch " + epoch : split + " batch " + batch;
    }
  }

  /**
   * Checks that the collator made a batch of the examples it was given: its size, and the first
   * dimension of every input and label array.
   *
   * @throws IllegalArgumentException naming the batch, its examples and the arrays that disagree
   */
  static void shapes(Batch batch, int[] indices, Place place) {
    if (batch.size() != indices.length) {
      throw new IllegalArgumentException(place + " " + examples(indices) + " is not allowed: the collator was given "
          + indices.length + " examples but returned a Batch of size " + batch.size());
    }
    List<String> wrong = new ArrayList<>();
    collectWrong(batch.inputs(), "inputs", batch.size(), wrong);
    collectWrong(batch.labels(), "labels", batch.size(), wrong);
    if (!wrong.isEmpty()) {
      throw new IllegalArgumentException(place + " " + examples(indices) + " is not allowed: the collator made "
          + batch.size() + " examples, but " + String.join(", ", wrong) + "; the first dimension of every input and"
          + " label array must be the batch size (" + batch.size() + ")");
    }
  }

  private static void collectWrong(NDList arrays, String what, int size, List<String> into) {
    for (int i = 0; i < arrays.size(); i++) {
      Shape shape = arrays.get(i).getShape();
      if (shape.dimension() > 0 && shape.get(0) != size) { // a scalar is not per example: nothing to agree on
        into.add(what + "[" + i + "] has shape " + shape);
      }
    }
  }

  /**
   * Explains why the loss failed on a batch when its labels are out of the range the loss allows; returns
   * {@code failure} itself when they are not (the engine's message is then the best there is).
   */
  static RuntimeException explain(RuntimeException failure, Loss loss, NDList labels, NDList outputs, int[] indices,
      Place place) {
    if (!(loss instanceof SoftmaxCrossEntropyLoss) || labels.size() != 1 || outputs.isEmpty()) {
      return failure;
    }
    try {
      Shape predicted = outputs.get(0).getShape();
      NDArray label = labels.get(0);
      long classes = predicted.dimension() == 0 ? 0 : predicted.get(predicted.dimension() - 1);
      if (classes == 0 || label.size() * classes != predicted.size()) {
        return failure; // not class indices (e.g. one-hot labels): no range to check
      }
      long[] values = label.toType(DataType.INT64, false).toLongArray();
      List<String> bad = new ArrayList<>();
      int perExample = Math.max(1, values.length / indices.length);
      for (int i = 0; i < values.length && bad.size() < LISTED; i++) {
        if (values[i] < 0 || values[i] >= classes) {
          bad.add("example " + indices[Math.min(i / perExample, indices.length - 1)] + " has label " + values[i]);
        }
      }
      if (bad.isEmpty()) {
        return failure;
      }
      return new IllegalArgumentException(place + " has labels out of range: " + String.join(", ", bad)
          + "; with " + classes + " classes (predictions of shape " + predicted + ") "
          + loss.getClass().getSimpleName() + " takes labels 0 to " + (classes - 1), failure);
    } catch (RuntimeException diagnosisFailed) {
      failure.addSuppressed(diagnosisFailed);
      return failure;
    }
  }

  private static String examples(int[] indices) {
    int[] shown = Arrays.copyOf(indices, Math.min(LISTED, indices.length));
    String list = Arrays.toString(shown);
    return "(examples " + (indices.length > LISTED ? list.substring(0, list.length() - 1) + ", ...]" : list) + ")";
  }
}
