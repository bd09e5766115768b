package org.trainer4j.core.writer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves slow work (files, sockets) off the producing thread: producers {@link #offer} items to a
 * bounded queue, and one daemon thread of the writer's own hands them to {@link #handle} in batches,
 * in the order they were offered. A subclass writes only what to do with a batch, and optionally what
 * to do when the writer starts, flushes and closes, like a backend of Micrometer's push registry.
 *
 * <pre>{@code
 * final class LineWriter extends BackgroundWriter<String> {
 *   private final Path path;
 *   private Writer out;
 *
 *   LineWriter(Path path) {
 *     super(WriterConfig.builder("lines", FullQueuePolicy.DROP_NEWEST).itemNoun("lines").build());
 *     this.path = path;
 *   }
 *
 *   protected void onStart() throws IOException { out = Files.newBufferedWriter(path); }
 *   protected void handle(List<String> batch) throws IOException { for (String s : batch) out.write(s + "\n"); }
 *   protected void onFlush() throws IOException { out.flush(); }
 *   protected void onClose() throws IOException { if (out != null) out.close(); }
 * }
 *
 * LineWriter writer = new LineWriter(file);
 * writer.start();
 * writer.offer("step 1");          // any thread, never waits on the disk
 * writer.flush(Duration.ofSeconds(10));
 * writer.close();
 * }</pre>
 *
 * <p><b>Which thread runs what.</b> {@link #onStart}, {@link #handle}, {@link #onFlush} and {@link
 * #onClose} run on the writer thread only, one at a time, so they need no locks. Every public method
 * may be called from any thread. {@link #finalItemAtShutdown} runs on the shutdown hook's thread.
 *
 * <p><b>What the calls cost the calling thread.</b>
 * <ul>
 *   <li>{@link #offer}: one uncontended lock of an {@link ArrayBlockingQueue} and a volatile read or
 *       two; no allocation. It does not wake the writer thread, which parks for at most 10 ms when it
 *       is idle and finds the item then; producers wake it every few hundred items, when the queue is
 *       full, and on flush and close. When the queue is full the {@link FullQueuePolicy} decides:
 *       {@code BLOCK} waits for room, {@code DROP_NEWEST} counts the item in {@link #dropped()}.
 *   <li>{@link #requestFlush()}: one volatile write; no wake-up, no waiting.
 *   <li>{@link #flushAsync()}: a lock, at most one future and one wake-up; no waiting.
 *   <li>{@link #flush(Duration)}, {@link #close(Duration)}: wait at most the given time and say
 *       whether the writer got there; they never hang on a stuck disk.
 * </ul>
 *
 * <p><b>Errors.</b> When a hook throws, the writer logs it once at ERROR and from then on takes items
 * from the queue without handling them, counting them in {@link #discarded()}, so no producer ever
 * waits on a failed writer; {@link #failure()} keeps the first error. {@code onClose} is still called
 * at the end, so that files are released. Nothing is thrown at producers.
 *
 * <p><b>Shutdown.</b> {@link #start()} registers the writer with one {@link ShutdownRegistry} (by
 * default the JVM's: one shutdown hook for all writers), which closes it at JVM exit if nobody did,
 * waiting at most {@link WriterConfig#closeTimeout()}. The writer unregisters when its thread ends.
 *
 * @param <T> what producers hand over; the writer thread reads it later, so it must not change after
 *     {@code offer} (pass immutable values or copies)
 */
public abstract class BackgroundWriter<T> implements AutoCloseable {
  /** How long an idle writer parks before it looks at the queue again. */
  static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** Producers wake the writer thread after at most this many items. */
  static final int MAX_WAKE_EVERY = 512;

  private final WriterConfig config;
  private final Logger log;
  private final ArrayBlockingQueue<T> queue;
  private final int wakeEvery;
  private final List<T> batch;
  private final List<T> batchView;
  private final Object lifecycle = new Object();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final LongAdder dropped = new LongAdder();
  private final LongAdder discarded = new LongAdder();
  private final AtomicLong lossesReported = new AtomicLong();
  private final AtomicBoolean fullWarned = new AtomicBoolean();
  private final AtomicBoolean closedWarned = new AtomicBoolean();

  private volatile Thread thread;
  private volatile boolean closed;
  private volatile boolean finished;
  private volatile boolean flushRequested;
  private volatile Throwable failure;
  private volatile CompletableFuture<Void> flushWaiters; // written under lifecycle
  private T finalItem; // guarded by lifecycle
  private ShutdownRegistry.Registration registration; // guarded by lifecycle
  private int handOvers; // racy on purpose: only decides when a producer wakes the writer

  // Owned by the writer thread (nextTimedFlush is set in start(), before the thread starts):
  private boolean dirty;
  private long nextTimedFlush;

  /** A writer with this configuration; nothing runs until {@link #start()}. */
  protected BackgroundWriter(WriterConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("config must be a WriterConfig (see WriterConfig.builder), got null");
    }
    this.config = config;
    this.log = config.logger().orElseGet(() -> LoggerFactory.getLogger(getClass()));
    this.queue = new ArrayBlockingQueue<>(config.capacity());
    this.wakeEvery = Math.max(1, Math.min(MAX_WAKE_EVERY, config.capacity() / 2));
    this.batch = new ArrayList<>(Math.min(config.maxBatch(), config.capacity()) + 1);
    this.batchView = Collections.unmodifiableList(batch);
  }

  // ---- the subclass's part: all on the writer thread ----

  /** First thing on the writer thread, e.g. open the file. Default: nothing. */
  protected void onStart() throws Exception {}

  /**
   * Writes a batch: up to {@link WriterConfig#maxBatch()} items, in the order they were offered. The
   * list is read-only and reused after the call returns: copy what you keep.
   */
  protected abstract void handle(List<T> batch) throws Exception;

  /**
   * Hands what was written to the operating system (or the server). Called after a flush was asked
   * for, on the {@link WriterConfig#flushInterval() timer} and before {@link #onClose()}, each time only
   * when something was handled since the last flush. Default: nothing.
   */
  protected void onFlush() throws Exception {}

  /**
   * Last thing on the writer thread, after the final item and the final flush, e.g. close the file.
   * Called once, also after an error. Default: nothing.
   */
  protected void onClose() throws Exception {}

  /**
   * An item to handle after everything else when the shutdown hook closes the writer, e.g. an "end
   * of run, failed" record; called on the hook's thread. Default: none.
   */
  protected Optional<T> finalItemAtShutdown() {
    return Optional.empty();
  }

  // ---- producers ----

  /**
   * Starts the writer thread (made by the configured thread factory) and registers the writer for
   * closing at JVM exit. Items offered before are kept in the queue.
   *
   * @throws IllegalStateException when called twice or after close
   */
  public final void start() {
    synchronized (lifecycle) {
      if (thread != null || closed) {
        throw new IllegalStateException(this + " was already " + (closed ? "closed" : "started"));
      }
      Thread t = config.threadFactory().newThread(this::run);
      if (t == null) {
        throw new IllegalStateException("the thread factory of " + this + " made no thread");
      }
      t.setDaemon(true);
      // The interval runs from the start, however late a busy machine schedules the thread.
      nextTimedFlush = timedFlushAfter(config.nanoClock().getAsLong());
      config.shutdownRegistry().ifPresent(r -> registration = r.register(new ShutdownHookTask()));
      thread = t;
      try {
        t.start();
      } catch (RuntimeException | Error e) {
        thread = null;
        if (registration != null) {
          registration.close();
          registration = null;
        }
        throw e;
      }
    }
  }

  /**
   * Hands an item to the writer thread. Cheap (see the class comment); waits only when the queue is
   * full and the policy is {@link FullQueuePolicy#BLOCK}.
   *
   * @return true when the item was queued; false when it was dropped ({@link #dropped()}) or the
   *     writer is closed ({@link #discarded()})
   * @throws IllegalArgumentException when {@code item} is null
   */
  public final boolean offer(T item) {
    if (item == null) {
      throw new IllegalArgumentException("item must not be null");
    }
    if (closed) {
      discardLate();
      return false;
    }
    if (queue.offer(item)) {
      if (++handOvers >= wakeEvery) {
        handOvers = 0;
        LockSupport.unpark(thread);
      }
      return stillRunningAfterQueuing();
    }
    LockSupport.unpark(thread);
    if (fullWarned.compareAndSet(false, true)) {
      log.warn("{}: the writer thread has fallen behind and its queue of {} {} is full; {}", this,
          config.capacity(), config.itemNoun(), config.fullQueuePolicy() == FullQueuePolicy.BLOCK
              ? "producers now wait for room so that nothing is lost"
              : "new " + config.itemNoun() + " are dropped (and counted) rather than making producers wait");
    }
    if (config.fullQueuePolicy() == FullQueuePolicy.DROP_NEWEST) {
      dropped.increment();
      return false;
    }
    return waitForRoom(item);
  }

  /**
   * Asks the writer to flush everything offered before this call, without waking it or waiting: it
   * does so within its idle poll (10 ms) or after the batch it is writing. Costs one volatile write.
   */
  public final void requestFlush() {
    flushRequested = true;
  }

  /**
   * Asks the writer to handle and flush everything offered before this call, and wakes it. The
   * future completes when that is done; exceptionally, with the writer's {@link #failure()}, when the
   * writer has failed. After close it completes when the writer thread has ended.
   */
  public final CompletableFuture<Void> flushAsync() {
    CompletableFuture<Void> waiters;
    synchronized (lifecycle) {
      if (flushWaiters == null) {
        flushWaiters = new CompletableFuture<>();
      }
      waiters = flushWaiters;
    }
    if (finished) {
      completeFlushWaiters();
    } else {
      LockSupport.unpark(thread);
    }
    return waiters.copy();
  }

  /**
   * Waits until everything offered before this call is handled and flushed, for at most {@code
   * timeout}. Logs how many items were dropped or discarded since the last report, if any, and a
   * warning when the time ran out.
   *
   * @return true when everything was written and flushed in time; false when the time ran out (the
   *     items stay queued and are written later), the writer has failed, the calling thread was
   *     interrupted, or it is the writer thread itself
   */
  public final boolean flush(Duration timeout) {
    checkTimeout(timeout);
    if (Thread.currentThread() == thread) {
      return false; // the writer cannot wait for itself
    }
    boolean done = false;
    try {
      flushAsync().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      done = true;
    } catch (TimeoutException e) {
      log.warn("{}: flush did not finish within {}; {} still queued: {}", this, timeout, config.itemNoun(),
          queue.size());
    } catch (ExecutionException e) {
      // The failure was logged when it happened.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reportLosses();
    return done;
  }

  // ---- closing ----

  /** {@link #close(Duration)} with the configured {@link WriterConfig#closeTimeout()}. */
  @Override
  public final void close() {
    close(config.closeTimeout());
  }

  /**
   * Stops accepting items, lets the writer thread handle what is queued, flush and close, and waits
   * for it at most {@code timeout}. Idempotent: a second call waits for the same end.
   *
   * @return whether the writer thread ended in time (if not, it goes on in the background)
   */
  public final boolean close(Duration timeout) {
    checkTimeout(timeout);
    beginClose();
    return awaitClosed(timeout);
  }

  /** Stops accepting items and lets the writer finish in the background; does not wait. Idempotent. */
  public final void beginClose() {
    closeWith(null);
  }

  /**
   * As {@link #beginClose()}, with one last item handled after everything offered before, even when
   * the queue is full; e.g. an "end of run" record that carries an exit code.
   *
   * @return false when the writer was already closed: the item is then discarded
   * @throws IllegalArgumentException when {@code last} is null
   */
  public final boolean beginClose(T last) {
    if (last == null) {
      throw new IllegalArgumentException("last must be an item, got null; use beginClose() to close without one");
    }
    return closeWith(last);
  }

  /**
   * Waits at most {@code timeout} for the writer thread to end; logs a warning when it did not.
   *
   * @return whether it ended (always false when called on the writer thread itself)
   */
  public final boolean awaitClosed(Duration timeout) {
    checkTimeout(timeout);
    try {
      return awaitEnd(System.nanoTime() + timeout.toNanos(), timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---- what users may ask ----

  /** Whether {@code close} or {@code beginClose} was called. */
  public final boolean isClosed() {
    return closed;
  }

  /** Items lost to a full queue ({@link FullQueuePolicy#DROP_NEWEST}, or an interrupted wait). */
  public final long dropped() {
    return dropped.sum();
  }

  /**
   * Items never handled for other reasons: offered after close, taken from the queue after an error,
   * or still queued when the writer thread ended.
   */
  public final long discarded() {
    return discarded.sum();
  }

  /** Items waiting for the writer thread now. */
  public final int backlog() {
    return queue.size();
  }

  /** The first error of a hook, after which the writer discards what it takes. */
  public final Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  public final WriterConfig config() {
    return config;
  }

  /** How log lines name this writer; override to name what it writes to, e.g. the file. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + config.name() + "]";
  }

  // ---- internals: producers' side ----

  /** After queuing: an item that raced with the end of the writer thread is discarded, not kept. */
  private boolean stillRunningAfterQueuing() {
    if (!finished) {
      return true;
    }
    discardLeftovers();
    return false;
  }

  private boolean waitForRoom(T item) {
    if (Thread.currentThread() == thread) {
      dropped.increment(); // a hook offering to its own full queue would wait for itself
      return false;
    }
    try {
      while (!closed && !finished) {
        if (queue.offer(item, IDLE_PARK_NANOS, TimeUnit.NANOSECONDS)) {
          return stillRunningAfterQueuing();
        }
        LockSupport.unpark(thread);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dropped.increment();
      return false;
    }
    discarded.increment(); // closed while waiting
    return false;
  }

  private void discardLate() {
    discarded.increment();
    if (closedWarned.compareAndSet(false, true)) {
      log.warn("{} is closed; {} offered after close are not written", this, config.itemNoun());
    }
  }

  private boolean closeWith(T last) {
    boolean neverStarted;
    synchronized (lifecycle) {
      if (closed) {
        if (last != null) {
          discardLate();
        }
        return false;
      }
      closed = true;
      finalItem = last;
      neverStarted = thread == null;
    }
    if (neverStarted) {
      end();
    } else {
      LockSupport.unpark(thread);
    }
    return true;
  }

  private boolean awaitEnd(long deadlineNanos, Duration timeout) throws InterruptedException {
    if (Thread.currentThread() == thread) {
      return false;
    }
    if (ended.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      return true;
    }
    log.warn("{} did not finish within {}; {} still queued, lost if the JVM exits: {}", this, timeout,
        config.itemNoun(), queue.size() + (finalItemPending() ? 1 : 0));
    return false;
  }

  private boolean finalItemPending() {
    synchronized (lifecycle) {
      return finalItem != null;
    }
  }

  /** Logs the items dropped or discarded since the last report. */
  private void reportLosses() {
    long lost = dropped.sum() + discarded.sum();
    long before = lossesReported.get();
    if (lost > before && lossesReported.compareAndSet(before, lost)) {
      log.warn("{}: {} not written so far: {} ({} dropped because the queue of {} was full, {} discarded after"
          + " close or an error)", this, config.itemNoun(), lost, dropped.sum(), config.capacity(), discarded.sum());
    }
  }

  private static void checkTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be a duration of 0 or more, got " + timeout);
    }
  }

  // ---- internals: the writer thread ----

  private void run() {
    try {
      attempt(this::onStart);
      dirty = true;
      loop();
      T last = takeFinalItem();
      if (last != null) {
        batch.add(last);
        handleBatch();
      }
      flushIfDirty();
      closeHook();
    } finally {
      end();
    }
  }

  private void loop() {
    while (true) {
      boolean closing = closed; // read before the queue: whatever was queued before close is seen below
      boolean worked = true;
      if (flushRequested || flushWaiters != null) {
        flushRequested = false;
        CompletableFuture<Void> waiters = takeFlushWaiters();
        handleBacklog();
        flushIfDirty();
        complete(waiters);
      } else if (queue.drainTo(batch, config.maxBatch()) > 0) {
        handleBatch();
      } else if (closing) {
        return;
      } else {
        worked = false;
      }
      long now = config.nanoClock().getAsLong();
      if (dirty && now - nextTimedFlush >= 0) {
        flushIfDirty();
      }
      if (!worked) {
        Thread.interrupted(); // only close ends this thread; a pending interrupt would make park spin
        LockSupport.parkNanos(this, dirty ? Math.max(1, Math.min(IDLE_PARK_NANOS, nextTimedFlush - now))
            : IDLE_PARK_NANOS);
      }
    }
  }

  /** Everything offered before a flush request is at most the current backlog, at the queue's head. */
  private void handleBacklog() {
    int backlog = queue.size();
    while (backlog > 0) {
      int n = queue.drainTo(batch, Math.min(backlog, config.maxBatch()));
      if (n == 0) {
        return;
      }
      backlog -= n;
      handleBatch();
    }
  }

  private void handleBatch() {
    if (failure != null) {
      discarded.add(batch.size());
    } else {
      attempt(() -> handle(batchView));
      dirty = true;
    }
    batch.clear();
  }

  private void flushIfDirty() {
    nextTimedFlush = timedFlushAfter(config.nanoClock().getAsLong());
    if (dirty && failure == null) {
      attempt(this::onFlush);
    }
    dirty = false;
  }

  private long timedFlushAfter(long now) {
    return config.flushInterval().map(i -> now + i.toNanos()).orElse(now + Long.MAX_VALUE / 2);
  }

  private void closeHook() {
    try {
      onClose();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      if (failure == null) {
        fail(t);
      } else {
        log.debug("{}: closing after the error above failed too", this, t);
      }
    }
  }

  private interface Hook {
    void run() throws Exception;
  }

  private void attempt(Hook hook) {
    if (failure != null) {
      return;
    }
    try {
      hook.run();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      fail(t);
    }
  }

  private void fail(Throwable t) {
    failure = t;
    log.error("{} failed; {} from now on are discarded", this, config.itemNoun(), t);
  }

  private T takeFinalItem() {
    synchronized (lifecycle) {
      T last = finalItem;
      finalItem = null;
      return last;
    }
  }

  /** The writer thread has ended (or will never run): release everyone who waits for it. */
  private void end() {
    finished = true;
    T last = takeFinalItem();
    if (last != null) {
      discarded.increment();
    }
    discardLeftovers();
    completeFlushWaiters();
    ShutdownRegistry.Registration r;
    synchronized (lifecycle) {
      r = registration;
      registration = null;
    }
    if (r != null) {
      r.close();
    }
    reportLosses();
    ended.countDown();
  }

  private void discardLeftovers() {
    while (queue.poll() != null) {
      discarded.increment();
    }
  }

  private CompletableFuture<Void> takeFlushWaiters() {
    synchronized (lifecycle) {
      CompletableFuture<Void> waiters = flushWaiters;
      flushWaiters = null;
      return waiters;
    }
  }

  private void completeFlushWaiters() {
    complete(takeFlushWaiters());
  }

  private void complete(CompletableFuture<Void> waiters) {
    if (waiters == null) {
      return;
    }
    Throwable f = failure;
    if (f != null) {
      waiters.completeExceptionally(f);
    } else if (thread == null) {
      waiters.completeExceptionally(new IllegalStateException(this + " was closed before it was started;"
          + " nothing was written"));
    } else {
      waiters.complete(null);
    }
  }

  /** What the shutdown hook does with this writer. */
  private final class ShutdownHookTask implements ShutdownTask {
    @Override
    public Duration shutdownTimeout() {
      return config.closeTimeout();
    }

    @Override
    public void beginShutdown() {
      if (!closed) {
        finalItemAtShutdown().ifPresentOrElse(BackgroundWriter.this::closeWith, BackgroundWriter.this::beginClose);
      }
    }

    @Override
    public boolean awaitShutdown(long deadlineNanos) throws InterruptedException {
      return awaitEnd(deadlineNanos, config.closeTimeout());
    }

    @Override
    public String toString() {
      return BackgroundWriter.this.toString();
    }
  }
}
