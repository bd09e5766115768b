package org.trainer4j.benchmarks.harness;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import org.trainer4j.core.Trainer;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.data.DataCollator;

/**
 * A model and its data, the same for the hand-written loop ({@link PlainLoop}) and the Trainer ({@link TrainerLoop}):
 * the MLP of measurements 1 and 2 ({@link Workload}), all-MiniLM-L6-v2 of measurement 15 ({@link MiniLmWorkload}).
 *
 * @param <E> the examples' type
 */
interface LoopWorkload<E> {
  String name();

  List<E> examples();

  DataCollator<E> collator();

  Loss loss();

  /** A new model, the same initial weights every time. The caller closes it. */
  Model newModel();

  /**
   * The examples at {@code indices}, in a list the hand-written loop hands its collator. A workload whose batches take
   * microseconds implements it with its concrete example type, as {@link Workload} does: there the cast of each
   * element loads its header, as core's list dataset does on purpose (docs/BENCHMARKS.md, "the batch"), so the hand
   * loop's batches cost what a user's typed loop costs.
   */
  default List<E> pick(int[] indices) {
    List<E> picked = new ArrayList<>(indices.length);
    for (int i : indices) {
      picked.add(examples().get(i));
    }
    return picked;
  }

  /** A Trainer builder for this workload's data and loss, training {@code model} with {@code args}. */
  default Trainer.Builder trainer(Model model, TrainingArguments args) {
    return Trainer.builder().model(model).loss(loss()).args(args).trainDataset(examples(), collator());
  }
}
