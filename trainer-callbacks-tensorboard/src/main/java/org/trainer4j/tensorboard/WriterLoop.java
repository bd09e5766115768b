package org.trainer4j.tensorboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a {@link SummaryWriter}'s thread: drains the queue in batches, encodes and appends the
 * events, and flushes on the timer, on request and at close.
 *
 * <p>It never waits on the queue's lock condition: when the queue is empty it parks for a short
 * while. So handing an event over costs the calling thread no wake-up of this thread; producers
 * wake it themselves when the queue fills, every few hundred events, and on flush or close.
 *
 * <p>After a write error it logs once, closes the file and keeps draining (and counting) whatever
 * arrives, so no producer ever waits on a dead writer.
 */
final class WriterLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(WriterLoop.class);
  static final int MAX_BATCH = 1024;
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final BlockingQueue<Pending> queue;
  private final EventFile file;
  private final long flushIntervalNanos;
  /** Times the flush interval; {@code System::nanoTime} except in tests. */
  private final LongSupplier nanoClock;
  private final EventEncoder encoder = new EventEncoder();
  private final List<Pending> batch = new ArrayList<>(MAX_BATCH);
  private volatile boolean flushRequested;
  private volatile Exception failure;
  private volatile long discarded;
  private boolean dirty;
  private long nextFlush;

  WriterLoop(BlockingQueue<Pending> queue, EventFile file, long flushIntervalNanos, LongSupplier nanoClock) {
    this.queue = queue;
    this.file = file;
    this.flushIntervalNanos = flushIntervalNanos;
    this.nanoClock = nanoClock;
    // Set here, not when the thread starts: the interval runs from the open, however late the thread.
    this.nextFlush = nanoClock.getAsLong() + flushIntervalNanos;
  }

  /** Asks for a flush once everything queued so far is written; does not wait. */
  void requestFlush() {
    flushRequested = true;
  }

  /** Events that arrived after a write error or after the close marker, and were not written. */
  long discarded() {
    return discarded;
  }

  /** Values the tag rules dropped; read after the thread ended. */
  long droppedByTagRules() {
    return encoder.droppedValues();
  }

  @Override
  public void run() {
    boolean open = true;
    try {
      while (open) {
        if (queue.drainTo(batch, MAX_BATCH) > 0) {
          open = processBatch();
        } else {
          waitForWork();
        }
        if (open && flushRequested) {
          flushRequested = false;
          open = drainBacklogAndFlush();
        }
        if (open && dirty && nanoClock.getAsLong() - nextFlush >= 0) {
          flushFile();
        }
      }
    } finally {
      if (failure == null) {
        try {
          file.close();
        } catch (IOException | RuntimeException e) {
          fail(e);
        }
      }
      releaseLateFlushes();
    }
  }

  private void waitForWork() {
    long wait = dirty ? Math.min(IDLE_PARK_NANOS, nextFlush - nanoClock.getAsLong()) : IDLE_PARK_NANOS;
    if (wait > 0) {
      LockSupport.parkNanos(this, wait);
    }
  }

  /** Everything queued before the flush request is at most the current backlog, at its head. */
  private boolean drainBacklogAndFlush() {
    int backlog = queue.size();
    boolean open = true;
    while (open && backlog > 0) {
      int n = queue.drainTo(batch, Math.min(MAX_BATCH, backlog));
      if (n == 0) {
        break;
      }
      backlog -= n;
      open = processBatch();
    }
    if (open) {
      flushFile();
    }
    return open;
  }

  /** Handles and clears the batch; returns false once the close marker was handled. */
  private boolean processBatch() {
    boolean open = true;
    for (Pending item : batch) {
      if (!open) {
        discarded++;  // handed over after close: cannot be written any more
      } else if (item instanceof Pending.Close) {
        flushFile();
        open = false;
      } else if (item instanceof Pending.Flush f) {
        flushFile();
        complete(f);
      } else if (failure != null) {
        discarded++;
      } else {
        try {
          encoder.encode(item, file::append);
          dirty = true;
        } catch (IOException | RuntimeException e) {
          fail(e);
        }
      }
    }
    batch.clear();
    return open;
  }

  private void flushFile() {
    nextFlush = nanoClock.getAsLong() + flushIntervalNanos;
    if (failure != null || !dirty) {
      return;
    }
    try {
      file.flush();
      dirty = false;
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  private void complete(Pending.Flush flush) {
    if (failure == null) {
      flush.done().complete(null);
    } else {
      flush.done().completeExceptionally(asUnchecked(failure));
    }
  }

  private void fail(Exception e) {
    if (failure != null) {
      return;
    }
    failure = e;
    LOG.error("cannot write TensorBoard event file {}; events from now on are discarded", file.path(), e);
    file.closeQuietly();
  }

  /** Flush requests that raced with the end of this thread must not wait forever. */
  private void releaseLateFlushes() {
    List<Pending> rest = new ArrayList<>();
    queue.drainTo(rest);
    for (Pending item : rest) {
      if (item instanceof Pending.Flush f) {
        complete(f);
      } else if (!(item instanceof Pending.Close)) {
        discarded++;
      }
    }
  }

  private UncheckedIOException asUnchecked(Exception e) {
    return e instanceof IOException io
        ? new UncheckedIOException("cannot write TensorBoard event file " + file.path() + ": " + io.getMessage(), io)
        : new UncheckedIOException(new IOException("cannot write TensorBoard event file " + file.path(), e));
  }
}
