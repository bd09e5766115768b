package org.trainer4j.core.internal;

import ai.djl.ndarray.NDManager;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
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

  /** One batch to collate: its example indices (positions in the epoch for a stream) and how. */
  record Planned(int[] indices, Function<NDManager, Batch> collate) {}

  private final TrainerDataset dataset;
  private final Iterator<Planned> plan;
  private final int epoch;
  private final ExecutorService workers;
  /** The pool's threads, joined at close: a terminated pool's last thread may still be finishing its exit. */
  private final List<Thread> workerThreads = new CopyOnWriteArrayList<>();
  private final NDManager workspace;
  private final ArrayDeque<Pending> ahead = new ArrayDeque<>();
  private final int window;
  private final int firstBatch;
  /** Batches taken with {@link #next} so far. */
  private int position;
  /** The batch {@link #next} moved to, until the engine takes it. */
  private Pending current;

  /** A batch taken from the plan: being collated by a worker ({@code batch} set) or to collate on request. */
  private record Pending(Planned planned, NDManager manager, Future<Batch> batch) {}

  /**
   * @param plan the epoch's batches from {@code firstBatch} on, in training order (read on the training thread)
   * @param firstBatch the index in the epoch of the plan's first batch (a resumed epoch skips some)
   */
  BatchFeed(TrainerDataset dataset, Iterator<Planned> plan, int epoch, int firstBatch, int numWorkers,
      int prefetchFactor) {
    this.dataset = dataset;
    this.plan = plan;
    this.epoch = epoch;
    this.firstBatch = firstBatch;
    if (numWorkers == 0) {
      this.workers = null;
      this.workspace = null;
      this.window = 1;
      return;
    }
    this.window = numWorkers * prefetchFactor;
    int feed = FEEDS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread t = new Thread(task, "trainer4j-collator-" + feed + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      workerThreads.add(t);
      return t;
    };
    this.workers = Executors.newFixedThreadPool(numWorkers, factory);
    this.workspace = NDManager.newBaseManager();
  }

  /** Whether the epoch has another batch. */
  boolean hasNext() {
    fill();
    return !ahead.isEmpty();
  }

  /**
   * Moves to the next batch and returns its example indices; the engine then gets it from {@link #batch}
   * (an engine that does not read the data leaves it, and it is freed here).
   */
  int[] next() {
    discardCurrent();
    fill();
    current = ahead.poll();
    position++;
    fill();
    return current.planned().indices();
  }

  /** Frees a batch the engine did not ask for, once its worker is done with it. */
  private void discardCurrent() {
    if (current != null && current.batch() != null) {
      try {
        current.batch().get().close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // the engine never asked for it: nothing to report
      } finally {
        current.manager().close();
      }
    }
    current = null;
  }

  @Override
  public boolean streaming() {
    return dataset.streaming();
  }

  @Override
  public int size() {
    return dataset.size();
  }

  @Override
  public int length(int index, String lengthColumnName) {
    return dataset.length(index, lengthColumnName);
  }

  /** The current batch (from {@link #next}), with its arrays in {@code manager}; other requests go to the dataset. */
  @Override
  public Batch batch(NDManager manager, int[] indices) {
    if (current == null || !Arrays.equals(current.planned().indices(), indices)) {
      return collate(() -> dataset.batch(manager, indices), -1, indices);
    }
    Pending pending = current;
    current = null;
    if (workers == null) {
      return collate(() -> pending.planned().collate().apply(manager), position - 1, indices);
    }
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
      throw new IllegalStateException("interrupted while waiting for " + where(position - 1, indices), e);
    } catch (ExecutionException e) {
      throw failure(position - 1, indices, e.getCause());
    } finally {
      pending.manager().close();
    }
  }

  private void fill() {
    while (ahead.size() < window && plan.hasNext()) {
      Planned planned = plan.next();
      if (workers == null) {
        ahead.add(new Pending(planned, null, null));
      } else {
        NDManager manager = workspace.newSubManager();
        ahead.add(new Pending(planned, manager, workers.submit(() -> planned.collate().apply(manager))));
      }
    }
  }

  private Batch collate(java.util.function.Supplier<Batch> collation, int position, int[] indices) {
    try {
      return collation.get();
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
    current = null; // its arrays live in the workspace, closed below
    workers.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        // A collator in native code cannot be interrupted: wait for it, so no thread outlives train().
        if (workers.awaitTermination(1, TimeUnit.SECONDS)) {
          for (Thread t : workerThreads) {
            t.join();
          }
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
