package org.trainer4j.core.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.trainer4j.core.data.StreamingDataset;

/**
 * The batches of one epoch of a {@link StreamingDataset}: the source opened afresh and read lazily, {@code
 * batchSize} examples at a time (the last batch smaller unless {@code dropLast}); a resumed epoch first
 * reads past the batches already trained without collating them. Batch "indices" are the examples'
 * positions in the epoch.
 */
final class StreamPlan<T> implements Iterator<BatchFeed.Planned>, AutoCloseable {
  private final StreamingDataset<T> dataset;
  private final Stream<T> stream;
  private final Iterator<T> examples;
  private final int batchSize;
  private final boolean dropLast;
  private final int skipped;
  private long position;
  private BatchFeed.Planned next;

  StreamPlan(StreamingDataset<T> dataset, int batchSize, boolean dropLast, int skipBatches) {
    this.dataset = dataset;
    this.stream = dataset.open();
    this.examples = stream.iterator();
    this.batchSize = batchSize;
    this.dropLast = dropLast;
    int skippedBatches = 0;
    while (skippedBatches < skipBatches && read() != null) {
      skippedBatches++;
    }
    this.skipped = skippedBatches;
  }

  /** Batches read past at the start (fewer than asked when the epoch ended first). */
  int skippedBatches() {
    return skipped;
  }

  private List<T> read() {
    List<T> batch = new ArrayList<>(batchSize);
    while (batch.size() < batchSize && examples.hasNext()) {
      batch.add(examples.next());
    }
    if (batch.isEmpty() || dropLast && batch.size() < batchSize) {
      return null;
    }
    position += batch.size();
    return batch;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      long from = position;
      List<T> batch = read();
      if (batch != null) {
        int[] positions = new int[batch.size()];
        for (int i = 0; i < positions.length; i++) {
          positions[i] = (int) Math.min(Integer.MAX_VALUE, from + i);
        }
        next = new BatchFeed.Planned(positions, manager -> dataset.collate(batch, manager));
      }
    }
    return next != null;
  }

  @Override
  public BatchFeed.Planned next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    BatchFeed.Planned out = next;
    next = null;
    return out;
  }

  @Override
  public void close() {
    stream.close();
  }
}
