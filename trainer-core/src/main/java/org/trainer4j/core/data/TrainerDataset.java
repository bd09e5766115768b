package org.trainer4j.core.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.translate.Batchifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.ToIntFunction;

/** Examples the Trainer can index and batch: a DJL {@link RandomAccessDataset}, or a list and a collator. */
public interface TrainerDataset {
  /** Whether the examples are read in order from a source, without a length ({@link StreamingDataset}). */
  default boolean streaming() {
    return false;
  }

  /** Number of examples. */
  int size();

  /** The examples at these indices as one batch, with arrays created in {@code manager}. */
  Batch batch(NDManager manager, int[] indices);

  /**
   * The length of example {@code index}, for {@code train_sampling_strategy=group_by_length}: by default
   * there is none (an error that says how to give one).
   *
   * @param lengthColumnName {@code length_column_name}: the key of the length in examples that are maps
   * @throws IllegalArgumentException when the dataset has no length for its examples
   */
  default int length(int index, String lengthColumnName) {
    throw new IllegalArgumentException("train_sampling_strategy=group_by_length needs the length of each training"
        + " example: give the dataset as TrainerDataset.of(examples, collator, lengthFunction)");
  }

  /** A DJL dataset; records are stacked along a new first axis. */
  static TrainerDataset of(RandomAccessDataset dataset) {
    long size = dataset.size();
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("datasets of more than " + Integer.MAX_VALUE + " examples are not supported, got " + size);
    }
    return new TrainerDataset() {
      @Override
      public int size() {
        return (int) size;
      }

      @Override
      public Batch batch(NDManager manager, int[] indices) {
        NDList[] data = new NDList[indices.length];
        NDList[] labels = new NDList[indices.length];
        for (int i = 0; i < indices.length; i++) {
          Record record;
          try {
            record = dataset.get(manager, indices[i]);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read example " + indices[i] + " of the dataset", e);
          }
          data[i] = record.getData();
          labels[i] = record.getLabels();
        }
        NDList x = Batchifier.STACK.batchify(data);
        NDList y = labels[0].isEmpty() ? new NDList() : Batchifier.STACK.batchify(labels);
        for (int i = 0; i < indices.length; i++) {
          data[i].close();
          labels[i].close();
        }
        return new Batch(x, y, indices.length);
      }
    };
  }

  /** A list of examples of any type, batched by {@code collator}. */
  static <T> TrainerDataset of(List<T> examples, DataCollator<T> collator) {
    return new ExampleList<>(List.copyOf(examples), collator, null);
  }

  /**
   * A list of examples batched by {@code collator}, with a length function for {@code group_by_length}
   * (HF's {@code length_column_name}: e.g. {@code example -> example.tokenIds().length}).
   */
  static <T> TrainerDataset of(List<T> examples, DataCollator<T> collator, ToIntFunction<? super T> length) {
    if (length == null) {
      throw new IllegalArgumentException("the length function must not be null; use of(examples, collator) without one");
    }
    return new ExampleList<>(List.copyOf(examples), collator, length);
  }
}
