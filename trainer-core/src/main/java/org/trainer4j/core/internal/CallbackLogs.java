package org.trainer4j.core.internal;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.trainer4j.core.Trainer;

/**
 * Rows that callbacks log while an event is being dispatched ({@code context.log}, or {@code
 * Trainer.log} called from a callback): each is logged right after the outermost event has reached
 * every callback, in the order given. So every callback sees the current row before any row logged in
 * response to it, and rows reach callbacks in the order of {@code log_history}. A row logged while
 * the {@code onLog} of such a row is dispatched is refused: a callback that logs on every {@code onLog}
 * would otherwise log forever.
 *
 * <p>Not thread-safe: the training thread owns it.
 */
final class CallbackLogs {
  private final ArrayDeque<Map<String, Object>> pending = new ArrayDeque<>();
  private final Consumer<Map<String, ?>> logNow;
  private int depth;
  private boolean loggingPending;

  /** @param logNow logs one row at once: history, then {@code onLog} (dispatched through {@link #enter()}) */
  CallbackLogs(Consumer<Map<String, ?>> logNow) {
    this.logNow = logNow;
  }

  /** Whether an event is being dispatched: a row logged now waits for its end. */
  boolean dispatching() {
    return depth > 0;
  }

  /**
   * Queues a row logged by a callback.
   *
   * @throws IllegalStateException when it comes from the {@code onLog} of a row a callback logged
   */
  void add(Map<String, ?> row) {
    if (loggingPending) {
      throw new IllegalStateException("a callback logged " + row.keySet() + " from the onLog of a row that a"
          + " callback logged itself; that could go on forever. Log in response to the Trainer's own rows"
          + " only, e.g. when context.logs() has \"loss\" or \"eval_loss\".");
    }
    pending.add(new LinkedHashMap<>(row));
  }

  /** Before an event is dispatched. */
  void enter() {
    depth++;
  }

  /**
   * After an event was dispatched; at the end of the outermost one, logs the queued rows. When the
   * dispatch failed ({@code completed} false) they are dropped: the run is stopping.
   */
  void exit(boolean completed) {
    depth--;
    if (!completed) {
      pending.clear();
      return;
    }
    if (depth > 0 || loggingPending) {
      return;
    }
    loggingPending = true;
    try {
      while (!pending.isEmpty()) {
        logNow.accept(pending.poll());
      }
    } finally {
      loggingPending = false;
      pending.clear();
    }
  }
}
