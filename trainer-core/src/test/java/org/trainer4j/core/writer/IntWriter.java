package org.trainer4j.core.writer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A writer for the tests: it records what its hooks saw, in order, and can be told to stop inside
 * {@code handle} until released, or to fail on one item.
 */
class IntWriter extends BackgroundWriter<Integer> {
  private final List<String> events = new ArrayList<>();
  private final List<Integer> handled = new ArrayList<>();
  /** Counted down when handle() meets {@link #stopAt}; handle() then waits for {@link #release}. */
  final CountDownLatch stopped = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch closed = new CountDownLatch(1);
  /** One permit per handle() and per onFlush() call. */
  final Semaphore batchesDone = new Semaphore(0);
  final Semaphore flushes = new Semaphore(0);
  volatile Integer stopAt;
  volatile Integer failAt;
  volatile boolean failOnStart;
  volatile Integer itemAtShutdown;

  IntWriter(WriterConfig config) {
    super(config);
  }

  static WriterConfig.Builder config(FullQueuePolicy policy) {
    return WriterConfig.builder("test", policy).closeAtShutdown(false);
  }

  synchronized List<String> events() {
    return List.copyOf(events);
  }

  synchronized List<Integer> handled() {
    return List.copyOf(handled);
  }

  synchronized List<List<Integer>> batches() {
    return events.stream().filter(e -> e.startsWith("handle ")).map(e -> parse(e.substring(7))).toList();
  }

  private static List<Integer> parse(String list) {
    String inner = list.substring(1, list.length() - 1);
    return inner.isEmpty() ? List.of() : java.util.Arrays.stream(inner.split(", ")).map(Integer::valueOf).toList();
  }

  /** Waits (at most 10 s, a bound for a broken writer, not a timing) until onClose has run. */
  void awaitOnClose() throws InterruptedException {
    if (!closed.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("onClose was not called");
    }
  }

  /** Waits (at most 10 s) for the next permit of a semaphore above. */
  static void await(Semaphore signal, String what) throws InterruptedException {
    if (!signal.tryAcquire(10, TimeUnit.SECONDS)) {
      throw new AssertionError(what + " did not happen");
    }
  }

  void awaitStopped() throws InterruptedException {
    if (!stopped.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("handle() never reached item " + stopAt);
    }
  }

  @Override
  protected synchronized void onStart() throws IOException {
    events.add("start");
    if (failOnStart) {
      throw new IOException("cannot open");
    }
  }

  @Override
  protected void handle(List<Integer> batch) throws Exception {
    synchronized (this) {
      events.add("handle " + batch);
    }
    for (Integer item : batch) {
      if (item.equals(stopAt)) {
        stopped.countDown();
        release.await();
      }
      if (item.equals(failAt)) {
        throw new IOException("disk full at " + item);
      }
      synchronized (this) {
        handled.add(item);
      }
    }
    batchesDone.release();
  }

  @Override
  protected synchronized void onFlush() {
    events.add("flush after " + handled.size());
    flushes.release();
  }

  @Override
  protected synchronized void onClose() {
    events.add("close");
    closed.countDown();
  }

  @Override
  protected Optional<Integer> finalItemAtShutdown() {
    return Optional.ofNullable(itemAtShutdown);
  }
}
