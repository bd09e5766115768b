package org.trainer4j.core.writer;

import java.time.Duration;

/**
 * Something a {@link ShutdownRegistry} closes when the JVM exits. Every {@link BackgroundWriter}
 * registers one for itself; implement this only when closing takes more than closing a writer (a
 * client that must also wait for an upload thread, say) and register it instead, after building the
 * writer with {@link WriterConfig.Builder#closeAtShutdown(boolean) closeAtShutdown(false)}.
 *
 * <p>The registry first calls {@link #beginShutdown()} on every task, then {@link #awaitShutdown} on
 * each in the order they were registered, so all of them close at the same time.
 */
public interface ShutdownTask {
  /** How long this task may take from the moment the shutdown began. */
  Duration shutdownTimeout();

  /** Starts closing; must return at once, without waiting for anything. */
  void beginShutdown();

  /**
   * Waits until closing has finished or {@code deadlineNanos} (on the {@link System#nanoTime()}
   * clock) has passed; says which. A task that does not finish in time logs what is lost.
   */
  boolean awaitShutdown(long deadlineNanos) throws InterruptedException;
}
