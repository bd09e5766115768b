package org.trainer4j.core.writer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;

/**
 * A thread factory whose threads wait for {@link #open()} before they run the writer, so a test can
 * fill the queue first; it makes non-daemon threads, to show that the writer makes them daemons.
 */
final class GatedThreads implements ThreadFactory {
  private final CountDownLatch gate = new CountDownLatch(1);
  private final List<Thread> made = new CopyOnWriteArrayList<>();

  @Override
  public Thread newThread(Runnable writer) {
    Thread t = new Thread(() -> {
      try {
        gate.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      writer.run();
    }, "gated-writer-" + made.size());
    t.setDaemon(false);
    made.add(t);
    return t;
  }

  /** Lets the writer threads run. */
  void open() {
    gate.countDown();
  }

  List<Thread> made() {
    return made;
  }
}
