package org.trainer4j.tensorboard;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Names event files as TensorBoard's own writer does: {@code
 * events.out.tfevents.<10-digit seconds>.<host>.<pid>.<counter>}. TensorBoard only needs {@code
 * tfevents} in the name; zero-padded seconds make the files of a run sort in time order, and the
 * counter keeps two writers opened in the same second apart.
 */
final class EventFileName {
  private static final AtomicLong COUNTER = new AtomicLong();

  private EventFileName() {}

  static String next(long epochSeconds) {
    return String.format("events.out.tfevents.%010d.%s.%d.%d", epochSeconds, Hostname.get(),
        ProcessHandle.current().pid(), COUNTER.getAndIncrement());
  }
}
