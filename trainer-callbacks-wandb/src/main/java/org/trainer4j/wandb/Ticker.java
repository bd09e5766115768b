package org.trainer4j.wandb;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The clock that a run's intervals, retries and deadlines go by: the system's in use, a manual one in
 * the tests, so that no test depends on how fast a busy machine runs its threads. Values such as
 * {@code _runtime} and {@code _timestamp} are not taken from it.
 */
interface Ticker {
  /** The system clock ({@link System#nanoTime()}, timed waits). */
  Ticker SYSTEM = new Ticker() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void waitOn(Object monitor, long deadlineNanos) throws InterruptedException {
      long wait = deadlineNanos - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.timedWait(monitor, wait);
      }
    }

    @Override
    public boolean await(CountDownLatch latch, long deadlineNanos) throws InterruptedException {
      return latch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  };

  long nanoTime();

  /**
   * Waits on {@code monitor}, whose lock the caller holds, until it is notified or this clock reaches
   * the deadline. It may return early: callers check their condition in a loop.
   */
  void waitOn(Object monitor, long deadlineNanos) throws InterruptedException;

  /** Waits until the latch opens (true) or this clock reaches the deadline (false). */
  boolean await(CountDownLatch latch, long deadlineNanos) throws InterruptedException;
}
