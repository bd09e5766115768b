package org.trainer4j.core.writer;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * How a {@link BackgroundWriter} queues, batches, flushes and closes. Build with {@link #builder};
 * the name and the {@link FullQueuePolicy} have no default because each writer must choose them.
 */
public final class WriterConfig {
  public static final int DEFAULT_CAPACITY = 1024;
  public static final int DEFAULT_MAX_BATCH = 1024;
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final FullQueuePolicy fullQueuePolicy;
  private final int capacity;
  private final int maxBatch;
  private final Optional<Duration> flushInterval;
  private final Duration closeTimeout;
  private final ThreadFactory threadFactory;
  private final Optional<ShutdownRegistry> shutdownRegistry;
  private final String itemNoun;
  private final Optional<Logger> logger;
  private final LongSupplier nanoClock;

  private WriterConfig(Builder b) {
    this.name = b.name;
    this.fullQueuePolicy = b.fullQueuePolicy;
    this.capacity = b.capacity;
    this.maxBatch = b.maxBatch;
    this.flushInterval = Optional.ofNullable(b.flushInterval);
    this.closeTimeout = b.closeTimeout;
    this.threadFactory = b.threadFactory != null ? b.threadFactory : defaultThreads(b.name);
    this.shutdownRegistry = b.closeAtShutdown ? Optional.of(b.shutdownRegistry) : Optional.empty();
    this.itemNoun = b.itemNoun;
    this.logger = Optional.ofNullable(b.logger);
    this.nanoClock = b.nanoClock;
  }

  /**
   * Starts a configuration.
   *
   * @param name a short name for threads and logs, e.g. {@code csv}: threads are named {@code
   *     trainer4j-<name>-writer-<n>}
   * @param fullQueuePolicy what a producer's {@code offer} does when the queue is full
   */
  public static Builder builder(String name, FullQueuePolicy fullQueuePolicy) {
    return new Builder(name, fullQueuePolicy);
  }

  /** The short name of threads and log lines. */
  public String name() {
    return name;
  }

  public FullQueuePolicy fullQueuePolicy() {
    return fullQueuePolicy;
  }

  /** Items that may wait for the writer thread. */
  public int capacity() {
    return capacity;
  }

  /** The most items one {@code handle} call gets. */
  public int maxBatch() {
    return maxBatch;
  }

  /** How often the writer flushes what it handled on its own; empty: only when asked and at close. */
  public Optional<Duration> flushInterval() {
    return flushInterval;
  }

  /** How long {@link BackgroundWriter#close()} and the shutdown hook wait for the writer to finish. */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  public ThreadFactory threadFactory() {
    return threadFactory;
  }

  /** The registry that closes the writer at JVM exit; empty when the writer's owner does that. */
  public Optional<ShutdownRegistry> shutdownRegistry() {
    return shutdownRegistry;
  }

  /** What the items are called in log lines, e.g. {@code rows}. */
  public String itemNoun() {
    return itemNoun;
  }

  /** The logger of the writer's messages; empty: the logger of the writer's class. */
  public Optional<Logger> logger() {
    return logger;
  }

  LongSupplier nanoClock() {
    return nanoClock;
  }

  private static ThreadFactory defaultThreads(String name) {
    AtomicInteger ids = new AtomicInteger();
    return runnable -> new Thread(runnable, "trainer4j-" + name + "-writer-" + ids.incrementAndGet());
  }

  /** Builds a {@link WriterConfig}; every option but the two given at the start has a default. */
  public static final class Builder {
    private final String name;
    private final FullQueuePolicy fullQueuePolicy;
    private int capacity = DEFAULT_CAPACITY;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private Duration flushInterval;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private ThreadFactory threadFactory;
    private ShutdownRegistry shutdownRegistry = ShutdownRegistry.jvm();
    private boolean closeAtShutdown = true;
    private String itemNoun = "items";
    private Logger logger;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(String name, FullQueuePolicy fullQueuePolicy) {
      this.name = name;
      this.fullQueuePolicy = fullQueuePolicy;
    }

    /** Items that may wait for the writer thread (default 1024), at least 1. */
    public Builder capacity(int items) {
      this.capacity = items;
      return this;
    }

    /** The most items one {@code handle} call gets (default 1024), at least 1. */
    public Builder maxBatch(int items) {
      this.maxBatch = items;
      return this;
    }

    /**
     * Calls {@code onFlush} this long after the previous flush when items were handled since (default:
     * never on a timer, only on {@code flush}, {@code requestFlush} and close).
     */
    public Builder flushInterval(Duration interval) {
      this.flushInterval = interval;
      return this;
    }

    /** How long {@code close()} and the shutdown hook wait for the writer (default 10 s). */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Makes the writer's thread (default: a thread named {@code trainer4j-<name>-writer-<n>}). The
     * writer makes it a daemon thread before starting it, so that it never keeps the JVM from exiting
     * and the shutdown hook can run.
     */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = factory;
      return this;
    }

    /** The registry that closes the writer at JVM exit (default {@link ShutdownRegistry#jvm()}). */
    public Builder shutdownRegistry(ShutdownRegistry registry) {
      this.shutdownRegistry = registry;
      return this;
    }

    /**
     * Whether the writer registers itself for closing at JVM exit (default true); false when its owner
     * registers a {@link ShutdownTask} of its own that closes the writer.
     */
    public Builder closeAtShutdown(boolean close) {
      this.closeAtShutdown = close;
      return this;
    }

    /** What the items are called in log lines (default {@code items}), e.g. {@code rows} or {@code events}. */
    public Builder itemNoun(String noun) {
      this.itemNoun = noun;
      return this;
    }

    /** The logger of the writer's messages (default: the logger of the writer's class). */
    public Builder logger(Logger logger) {
      this.logger = logger;
      return this;
    }

    /**
     * The clock of the flush interval, in nanoseconds (default {@link System#nanoTime()}); a test moves
     * a stand-in by hand, so that no timed flush depends on how fast a busy machine runs.
     */
    public Builder nanoClock(LongSupplier clock) {
      this.nanoClock = clock;
      return this;
    }

    /** @throws IllegalArgumentException naming the first option that is not allowed */
    public WriterConfig build() {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name must be a non-blank string such as csv, got "
            + (name == null ? "null" : "\"" + name + "\""));
      }
      if (fullQueuePolicy == null) {
        throw new IllegalArgumentException("fullQueuePolicy must be BLOCK or DROP_NEWEST, got null");
      }
      atLeastOne("capacity", capacity);
      atLeastOne("maxBatch", maxBatch);
      if (flushInterval != null && (flushInterval.isNegative() || flushInterval.isZero())) {
        throw new IllegalArgumentException("flushInterval must be a positive duration, got " + flushInterval);
      }
      if (closeTimeout == null || closeTimeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must be a duration of 0 or more, got " + closeTimeout);
      }
      if (shutdownRegistry == null) {
        throw new IllegalArgumentException("shutdownRegistry must be a ShutdownRegistry (or use closeAtShutdown(false)),"
            + " got null");
      }
      if (nanoClock == null) {
        throw new IllegalArgumentException("nanoClock must be a clock such as System::nanoTime, got null");
      }
      if (itemNoun == null || itemNoun.isBlank()) {
        throw new IllegalArgumentException("itemNoun must be a non-blank word such as rows, got "
            + (itemNoun == null ? "null" : "\"" + itemNoun + "\""));
      }
      return new WriterConfig(this);
    }

    private static void atLeastOne(String option, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(option + " must be at least 1, got " + value);
      }
    }
  }
}
