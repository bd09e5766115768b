package org.trainer4j.transformers.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * HF's {@code Trainer(compute_loss_func=...)}: the loss computed from the model's raw outputs and the batch's
 * labels. The Trainer calls it for every training micro-batch (its gradient trains the model) and for every
 * evaluation batch ({@code eval_loss}), as HF calls {@code compute_loss}.
 *
 * <p>{@code outputs} are the block's outputs, found by name ({@code outputs.get("logits")}; BERT blocks also
 * name {@code pooler_output}, {@code last_hidden_state}, ...); {@code labels} are the batch's label arrays as the
 * collator built them ({@code labels.get("labels")}), narrowed to {@code label_names} when that is set. The result
 * must be a scalar; the Trainer averages it over gradient-accumulation micro-batches (HF's behaviour when the
 * function ignores {@code num_items_in_batch}, which is not passed).
 *
 * <pre>{@code
 * NDArray classWeights = ...;  // e.g. [1, 4, 1]: errors on a rare class cost four times as much
 * Loss weighted = ComputeLossFunc.asLoss("weighted_cross_entropy", (outputs, labels) -> {
 *   NDArray logProbs = outputs.get("logits").logSoftmax(-1);
 *   NDArray target = labels.get("labels").expandDims(1);
 *   NDArray weights = classWeights.get(labels.get("labels"));
 *   return logProbs.gather(target, 1).squeeze(1).mul(weights).sum().div(weights.sum()).neg();
 * });
 * Trainer.builder().model(model).loss(weighted)...
 * }</pre>
 *
 * <p>It does not see the model's inputs. For a loss that needs them (a mask, a teacher model run on the same
 * inputs), give the Trainer HF's {@code compute_loss} override instead: {@code Trainer.builder().computeLoss(...)}
 * with a core {@code ComputeLoss}, which runs the model itself. It cannot smooth its labels: with {@code
 * label_smoothing_factor} above 0 the Trainer refuses it (HF would ignore the factor).
 */
@FunctionalInterface
public interface ComputeLossFunc {
  /** The loss of one batch, a scalar that the gradient flows through. */
  NDArray compute(NDList outputs, NDList labels);

  /**
   * The function as the DJL {@link Loss} that {@code Trainer.builder().loss(...)} takes.
   *
   * @param name the loss's name (DJL names losses; the Trainer logs it as {@code loss} and {@code eval_loss})
   */
  static Loss asLoss(String name, ComputeLossFunc function) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a loss needs a name, got '" + name + "'");
    }
    if (function == null) {
      throw new IllegalArgumentException("compute_loss_func must not be null");
    }
    return new Loss(name) {
      @Override
      public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray loss = function.compute(predictions, labels);
        if (loss == null || loss.getShape().size() != 1) {
          throw new IllegalArgumentException("compute_loss_func " + name + " must return a scalar loss, got "
              + (loss == null ? "null" : "an array of shape " + loss.getShape()));
        }
        return loss;
      }
    };
  }
}
