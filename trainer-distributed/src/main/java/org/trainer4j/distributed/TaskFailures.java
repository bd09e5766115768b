package org.trainer4j.distributed;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Listens for the barrier stage's first failed task on the driver, so that a failed job names the worker (a task's
 * partition is its rank) and its executor, not only Spark's stage message. When a barrier task fails Spark kills the
 * others; those kills are not the cause, so a task that failed otherwise wins over them.
 */
final class TaskFailures extends SparkListener {
  /** A failed task: its rank, where it ran, and Spark's reason. */
  record Failure(int rank, String executor, String host, String reason) {}

  private final CountDownLatch seen = new CountDownLatch(1);
  private volatile Failure cause;
  private volatile Failure killed;

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (!(end.reason() instanceof TaskFailedReason reason)) {
      return;
    }
    TaskInfo info = end.taskInfo();
    Failure failure = new Failure(info.index(), info.executorId(), info.host(), reason.toErrorString());
    if (reason instanceof TaskKilled) {
      killed = killed == null ? failure : killed;
    } else if (cause == null) {
      cause = failure;
      seen.countDown();
    }
  }

  /**
   * The failure that caused the stage to fail; Spark's listener bus delivers events after the job has already
   * failed, so this waits up to {@code seconds} for it.
   */
  Optional<Failure> first(long seconds) throws InterruptedException {
    seen.await(seconds, TimeUnit.SECONDS);
    return Optional.ofNullable(cause != null ? cause : killed);
  }
}
