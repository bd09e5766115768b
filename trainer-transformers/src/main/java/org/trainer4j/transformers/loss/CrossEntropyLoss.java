package org.trainer4j.transformers.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import org.trainer4j.core.engine.LabelSmoothable;
import org.trainer4j.core.engine.Scalars;

/**
 * Cross entropy over logits as HF computes it: PyTorch's {@code CrossEntropyLoss} (mean over the labels that are
 * not {@code ignore_index=-100}), or, with a {@code label_smoothing_factor} above 0, HF's {@code LabelSmoother}:
 * {@code (1 - eps) * nll + eps * mean over classes of -log p}, both averaged over the labels that count.
 *
 * <p>Logits are {@code [batch, classes]} with labels {@code [batch]}, or {@code [batch, length, classes]} with labels
 * {@code [batch, length]} (token classification; padding labels are -100). A batch in which every label is -100 has
 * a NaN loss, as in PyTorch. Predictions are the model's output named {@code logits}, else its first output.
 *
 * <p>It is {@link LabelSmoothable}: with {@code label_smoothing_factor} above 0 in the {@code TrainingArguments},
 * the Trainer trains and evaluates with {@code new CrossEntropyLoss(label_smoothing_factor)}.
 */
public final class CrossEntropyLoss extends Loss implements LabelSmoothable {
  /** HF's and PyTorch's {@code ignore_index}. */
  public static final long IGNORE_INDEX = -100;

  private final double labelSmoothingFactor;

  /** Plain cross entropy (HF's {@code label_smoothing_factor=0}). */
  public CrossEntropyLoss() {
    this(0);
  }

  /**
   * Cross entropy with HF's label smoothing.
   *
   * @throws IllegalArgumentException unless {@code 0 <= labelSmoothingFactor < 1}
   */
  public CrossEntropyLoss(double labelSmoothingFactor) {
    super("cross_entropy");
    if (!(labelSmoothingFactor >= 0 && labelSmoothingFactor < 1)) {
      throw new IllegalArgumentException("label_smoothing_factor must be in [0, 1), got " + labelSmoothingFactor);
    }
    this.labelSmoothingFactor = labelSmoothingFactor;
  }

  public double labelSmoothingFactor() {
    return labelSmoothingFactor;
  }

  /**
   * {@code new CrossEntropyLoss(labelSmoothingFactor)}, for the Trainer's {@code label_smoothing_factor}.
   *
   * @throws IllegalArgumentException when this loss already smooths by another factor (two settings of one
   *     thing), or the factor is not in [0, 1)
   */
  @Override
  public CrossEntropyLoss withLabelSmoothing(double labelSmoothingFactor) {
    if (this.labelSmoothingFactor != 0 && this.labelSmoothingFactor != labelSmoothingFactor) {
      throw new IllegalArgumentException("label_smoothing_factor=" + labelSmoothingFactor + " is not allowed with"
          + " new CrossEntropyLoss(" + this.labelSmoothingFactor + "), which smooths by " + this.labelSmoothingFactor
          + " already; give the factor once: new CrossEntropyLoss() with the option, or the option at 0");
    }
    return new CrossEntropyLoss(labelSmoothingFactor);
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logits = LossInputs.logits(predictions);
    NDArray target = LossInputs.target(labels, "cross entropy");
    long classes = logits.getShape().getLastDimension();
    if (target.getShape().size() * classes != logits.getShape().size()) {
      throw new IllegalArgumentException("labels of shape " + target.getShape() + " do not fit logits of shape "
          + logits.getShape() + ": expected labels of shape " + logits.getShape().slice(0, logits.getShape().dimension() - 1));
    }
    NDArray negLogProbs = logits.logSoftmax(-1).reshape(-1, classes).neg();
    NDArray flat = target.reshape(-1).toType(DataType.INT64, false);
    NDArray counts = flat.neq(IGNORE_INDEX).toType(DataType.FLOAT32, false);
    NDArray active = counts.sum();
    // -100 would index out of range; such rows are multiplied by 0 afterwards (as HF's clamp + masked_fill).
    NDArray safeTargets = flat.mul(flat.neq(IGNORE_INDEX).toType(DataType.INT64, false));
    NDArray nll = negLogProbs.gather(safeTargets.expandDims(1), 1).squeeze(1).mul(counts).sum().div(active);
    if (labelSmoothingFactor == 0) {
      return nll;
    }
    // Scalars as float32, as PyTorch applies a Python float to a float32 tensor (a double would promote to float64).
    // Scalars.times: the backward pass keeps these factors (see Scalars).
    NDArray smoothed = negLogProbs.sum(new int[] {1}).mul(counts).sum().div(Scalars.times(active, classes));
    return Scalars.times(nll, 1 - labelSmoothingFactor)
        .add(Scalars.times(smoothed, labelSmoothingFactor));
  }
}
