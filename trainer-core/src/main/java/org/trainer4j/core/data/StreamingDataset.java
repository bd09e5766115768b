package org.trainer4j.core.data;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;

/**
 * HF's {@code IterableDataset}: examples with no length, read from an {@link ExampleSource} once per
 * epoch in the source's order, and batched by a collator. Training on one needs {@code max_steps} (the
 * number of steps cannot be known in advance); a resumed run reads past the examples already trained
 * (unless {@code ignore_data_skip}). Samplers and {@code group_by_length} do not apply.
 *
 * @param <T> the example type
 */
public final class StreamingDataset<T> implements TrainerDataset {
  private final ExampleSource<T> source;
  private final DataCollator<T> collator;

  private StreamingDataset(ExampleSource<T> source, DataCollator<T> collator) {
    this.source = source;
    this.collator = collator;
  }

  /** Examples from {@code source}, batched by {@code collator}. */
  public static <T> StreamingDataset<T> of(ExampleSource<T> source, DataCollator<T> collator) {
    if (source == null || collator == null) {
      throw new IllegalArgumentException("a streaming dataset needs a source and a collator");
    }
    return new StreamingDataset<>(source, collator);
  }

  @Override
  public boolean streaming() {
    return true;
  }

  /** There is none: a streaming dataset is read, not indexed. */
  @Override
  public int size() {
    throw new UnsupportedOperationException("a streaming dataset has no length");
  }

  /** Not by index: the loop reads a streaming dataset through {@link #open()}. */
  @Override
  public Batch batch(NDManager manager, int[] indices) {
    throw new UnsupportedOperationException("a streaming dataset is read in order, not by index");
  }

  /** The examples of one epoch, from the first; close the stream at the end of the epoch. */
  public Stream<T> open() {
    try {
      return source.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the streaming dataset's source", e);
    }
  }

  /** One batch of examples read from the stream. */
  public Batch collate(List<T> examples, NDManager manager) {
    return collator.collate(examples, manager);
  }
}
