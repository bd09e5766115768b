package org.trainer4j.wandb;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test calls {@link #advance(Duration)}, so that intervals, retry delays,
 * request cut-offs and finish deadlines happen exactly when the test says, however slow the machine.
 * Waiting threads look at it every millisecond; {@link #awaitWaiting(String, long)} tells when a thread
 * has seen the current time and decided to wait until a given moment.
 */
final class ManualTicker implements Ticker {
  /** A thread that waits: until when, and the time it saw when it started waiting. */
  private record Wait(long deadline, long seen) {}

  private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));
  private final Map<Thread, Wait> waiting = new ConcurrentHashMap<>();

  @Override
  public long nanoTime() {
    return now.get();
  }

  @Override
  public void waitOn(Object monitor, long deadlineNanos) throws InterruptedException {
    long seen = now.get();
    if (seen >= deadlineNanos) {
      return;
    }
    Thread self = Thread.currentThread();
    waiting.put(self, new Wait(deadlineNanos, seen));
    try {
      monitor.wait(1);
    } finally {
      waiting.remove(self);
    }
  }

  @Override
  public boolean await(CountDownLatch latch, long deadlineNanos) throws InterruptedException {
    Thread self = Thread.currentThread();
    try {
      while (true) {
        long seen = now.get();
        if (latch.getCount() == 0) {
          return true;
        }
        if (seen >= deadlineNanos) {
          return false;
        }
        waiting.put(self, new Wait(deadlineNanos, seen));
        if (latch.await(1, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } finally {
      waiting.remove(self);
    }
  }

  void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  /** When the thread whose name starts with this prefix waits until, having seen the current time. */
  OptionalLong waitingUntil(String threadPrefix) {
    long current = now.get();
    for (Map.Entry<Thread, Wait> e : waiting.entrySet()) {
      if (e.getKey().getName().startsWith(threadPrefix) && e.getValue().seen() == current) {
        return OptionalLong.of(e.getValue().deadline());
      }
    }
    return OptionalLong.empty();
  }

  /** Waits (up to a minute of real time) until that thread waits, at the current time, until {@code deadline}. */
  void awaitWaiting(String threadPrefix, long deadline) throws InterruptedException {
    TestRuns.await(threadPrefix + " waiting until +" + (deadline - now.get()) / 1e6 + " ms",
        () -> waitingUntil(threadPrefix).orElse(Long.MIN_VALUE) == deadline);
  }

  /** Waits (up to a minute of real time) until that thread waits for anything, and returns until when. */
  long awaitWaiting(String threadPrefix) throws InterruptedException {
    long[] until = new long[1];
    TestRuns.await(threadPrefix + " waiting", () -> {
      OptionalLong w = waitingUntil(threadPrefix);
      w.ifPresent(v -> until[0] = v);
      return w.isPresent();
    });
    return until[0];
  }
}
