package org.trainer4j.tensorboard;

import org.trainer4j.core.writer.FullQueuePolicy;

/**
 * How a {@link SummaryWriter} buffers and flushes. Build with {@link #builder()}; {@link #defaults()}
 * flushes every 120 seconds (as TensorBoard's own writer), queues up to 8192 events and blocks when
 * the queue is full: a TensorBoard run is a record of the training, and a hole in a curve is worse
 * than a training step that waits for a stalled disk (the writer handles thousands of events per
 * millisecond, so the queue fills only when the disk stops).
 *
 * @param flushSecs seconds between two flushes of the file to the operating system, at least 1
 * @param queueCapacity events that may wait for the writer thread, at least 1
 * @param fullQueuePolicy what the calling thread does when that many are waiting
 */
public record WriterOptions(int flushSecs, int queueCapacity, FullQueuePolicy fullQueuePolicy) {
  public static final int DEFAULT_FLUSH_SECS = 120;
  public static final int DEFAULT_QUEUE_CAPACITY = 8192;

  /** Checks every option. */
  public WriterOptions {
    if (flushSecs < 1) {
      throw new IllegalArgumentException("flushSecs must be at least 1 second, got " + flushSecs);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1 event, got " + queueCapacity);
    }
    if (fullQueuePolicy == null) {
      throw new IllegalArgumentException("fullQueuePolicy must be BLOCK or DROP_NEWEST, got null");
    }
  }

  /** Flush every 120 s, 8192 queued events, block when full. */
  public static WriterOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link WriterOptions}; every option starts at its default. */
  public static final class Builder {
    private int flushSecs = DEFAULT_FLUSH_SECS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private FullQueuePolicy fullQueuePolicy = FullQueuePolicy.BLOCK;

    private Builder() {}

    /** Seconds between timed flushes (default 120); {@code flush()} and {@code close()} flush too. */
    public Builder flushSecs(int seconds) {
      this.flushSecs = seconds;
      return this;
    }

    /** Events that may wait for the writer thread (default 8192). */
    public Builder queueCapacity(int events) {
      this.queueCapacity = events;
      return this;
    }

    /** {@link FullQueuePolicy#BLOCK} (default) or {@link FullQueuePolicy#DROP_NEWEST}. */
    public Builder fullQueuePolicy(FullQueuePolicy policy) {
      this.fullQueuePolicy = policy;
      return this;
    }

    /** @throws IllegalArgumentException naming the first bad option */
    public WriterOptions build() {
      return new WriterOptions(flushSecs, queueCapacity, fullQueuePolicy);
    }
  }
}
