package org.trainer4j.tensorboard;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Names event files as TensorBoard's own writer does: {@code
 * events.out.tfevents.<10-digit seconds>.<host>.<pid>.<10-digit counter>}. TensorBoard only needs
 * {@code tfevents} in the name, and reads the files of a run in name order; zero-padded seconds and
 * counter make that the order in which this process opened them, even within one second (where an
 * unpadded counter would put writer 10 before writer 9, and a resumed run before the one it resumes).
 */
final class EventFileName {
  private static final AtomicLong COUNTER = new AtomicLong();

  private EventFileName() {}

  static String next(long epochSeconds) {
    return of(epochSeconds, COUNTER.getAndIncrement());
  }

  static String of(long epochSeconds, long counter) {
    return String.format("events.out.tfevents.%010d.%s.%d.%010d", epochSeconds, Hostname.get(),
        ProcessHandle.current().pid(), counter);
  }
}
