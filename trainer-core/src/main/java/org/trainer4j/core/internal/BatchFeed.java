package org.trainer4j.core.internal;

import ai.djl.ndarray.NDManager;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.trainer4j.core.data.Batch;
import org.trainer4j.core.data.TrainerDataset;

/**
 * The training batches of one epoch as the engine asks for them: collated on the training thread
 * ({@code dataloader_num_workers=0}) or ahead of time on worker threads, at most {@code num_workers ×
 * prefetch_factor} batches ahead, handed over in exactly the order of the epoch, so training is the same
 * bit for bit. A collator that fails stops training with the batch's place and example indices. {@link
 * #close} stops the workers and frees the batches not used; no thread outlives it.
 */
final class BatchFeed implements TrainerDataset, AutoCloseable {
  private static final AtomicInteger FEEDS = new AtomicInteger();

  private final TrainerDataset dataset;
  private final int epoch;
  private final List<int[]> batches;
  private final int firstBatch;
  private final ExecutorService workers;
  private final NDManager workspace;
  private final ArrayDeque<Pending> ahead = new ArrayDeque<>();
  private final int window;
  private int nextToSubmit;
  private int nextToDeliver;

  private record Pending(int position, NDManager manager, Future<Batch> batch) {}

  /**
   * @param batches the example indices of the epoch's batches from {@code firstBatch} on, in training order
   * @param firstBatch the index in the epoch of {@code batches.get(0)} (a resumed epoch skips some)
   */
  BatchFeed(TrainerDataset dataset, int epoch, List<int[]> batches, int firstBatch, int numWorkers,
      int prefetchFactor) {
    this.dataset = dataset;
    this.epoch = epoch;
    this.batches = batches;
    this.firstBatch = firstBatch;
    this.window = numWorkers * prefetchFactor;
    if (numWorkers == 0) {
      this.workers = null;
      this.workspace = null;
      return;
    }
    int feed = FEEDS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread t = new Thread(task, "trainer4j-collator-" + feed + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.workers = Executors.newFixedThreadPool(numWorkers, factory);
    this.workspace = NDManager.newBaseManager();
    fill();
  }

  @Override
  public int size() {
    return dataset.size();
  }

  @Override
  public int length(int index, String lengthColumnName) {
    return dataset.length(index, lengthColumnName);
  }

  /** The next batch of the epoch, with its arrays moved to {@code manager}; other requests are collated here. */
  @Override
  public Batch batch(NDManager manager, int[] indices) {
    int position = nextToDeliver;
    if (position >= batches.size() || !Arrays.equals(batches.get(position), indices)) {
      return collate(manager, indices, -1);
    }
    nextToDeliver++;
    if (workers == null) {
      return collate(manager, indices, position);
    }
    Pending pending = ahead.poll();
    fill();
    try {
      if (Thread.currentThread().isInterrupted()) { // a batch collated ahead would not notice
        throw new InterruptedException();
      }
      Batch batch = pending.batch().get();
      batch.inputs().attach(manager);
      batch.labels().attach(manager);
      return batch;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + where(position, indices), e);
    } catch (ExecutionException e) {
      throw failure(position, indices, e.getCause());
    } finally {
      pending.manager().close();
    }
  }

  private void fill() {
    while (nextToSubmit < batches.size() && ahead.size() < window) {
      int[] indices = batches.get(nextToSubmit);
      NDManager manager = workspace.newSubManager();
      ahead.add(new Pending(nextToSubmit, manager, workers.submit(() -> dataset.batch(manager, indices))));
      nextToSubmit++;
    }
  }

  private Batch collate(NDManager manager, int[] indices, int position) {
    try {
      return dataset.batch(manager, indices);
    } catch (RuntimeException e) {
      throw failure(position, indices, e);
    }
  }

  private RuntimeException failure(int position, int[] indices, Throwable cause) {
    return new IllegalStateException("the data collator failed on " + where(position, indices) + ": " + cause, cause);
  }

  private String where(int position, int[] indices) {
    String examples = "(examples " + Arrays.toString(indices) + ")";
    return position < 0 ? "a training batch " + examples
        : "training batch " + (firstBatch + position) + " of epoch " + epoch + " " + examples;
  }

  /** Stops the workers, waits for them to end, and frees every batch not handed over. */
  @Override
  public void close() {
    if (workers == null) {
      return;
    }
    workers.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        // A collator in native code cannot be interrupted: wait for it, so no thread outlives train().
        if (workers.awaitTermination(1, TimeUnit.SECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    workspace.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
