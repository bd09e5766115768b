package org.example.trainer4j.csv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the file on a daemon thread of its own, fed through a bounded queue, so the training thread
 * never waits on the disk. When the queue is full (the disk has stalled for a long while), a row is
 * dropped and counted rather than blocking training; the count is reported at the next flush.
 */
final class CsvWriterThread {
  private static final Logger LOG = LoggerFactory.getLogger(CsvWriterThread.class);

  private sealed interface Command {}
  private record Start(int resumedStep) implements Command {}
  private record Append(CsvRow row) implements Command {}
  private record Flush(CountDownLatch done) implements Command {}
  private record Stop(CountDownLatch done) implements Command {}

  private final Path path;
  private final MetricsCsvFile file;
  private final BlockingQueue<Command> queue;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private long droppedReported;
  private volatile boolean failed;

  CsvWriterThread(Path path, int capacity) {
    this.path = path;
    this.file = new MetricsCsvFile(path);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, "trainer4j-csv-writer");
    thread.setDaemon(true);
  }

  /** Starts the thread (separate from construction so a test can fill the queue first). */
  void begin() {
    thread.start();
  }

  /** Queues the start of a run (see {@link MetricsCsvFile#start(int)}); never blocks. */
  void start(int resumedStep) {
    offer(new Start(resumedStep));
  }

  /** Queues a row; never blocks. */
  void append(CsvRow row) {
    offer(new Append(row));
  }

  /** Rows dropped so far because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  /**
   * Waits until every row queued before this call is written and handed to the OS, or the timeout
   * passes (then a warning says so).
   */
  void flush(long timeout, TimeUnit unit) {
    awaitCommand(new Flush(new CountDownLatch(1)), timeout, unit);
    long now = dropped.get();
    if (now > droppedReported) {
      LOG.warn("{} rows were dropped because the writer of {} fell behind (its queue was full)", now, path);
      droppedReported = now;
    }
  }

  /** Writes what is queued, closes the file and ends the thread (waiting at most the timeout). */
  void stop(long timeout, TimeUnit unit) {
    awaitCommand(new Stop(new CountDownLatch(1)), timeout, unit);
  }

  private void awaitCommand(Command command, long timeout, TimeUnit unit) {
    CountDownLatch done = command instanceof Flush f ? f.done() : ((Stop) command).done();
    try {
      if (!thread.isAlive()) {
        return;
      }
      if (!queue.offer(command, timeout, unit) || !done.await(timeout, unit)) {
        LOG.warn("the writer of {} did not finish within {} {}; rows still queued may be missing", path, timeout,
            unit.toString().toLowerCase(java.util.Locale.ROOT));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void offer(Command command) {
    if (!queue.offer(command) && dropped.getAndIncrement() == 0) {
      LOG.warn("the writer of {} is behind and its queue is full: dropping rows rather than slowing training", path);
    }
  }

  private void run() {
    List<Command> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        closeQuietly();
        return;
      }
      queue.drainTo(batch);
      for (Command command : batch) {
        if (!execute(command)) {
          closeQuietly();
          return;
        }
      }
      batch.clear();
      if (!failed) {
        try {
          file.flush();
        } catch (IOException e) {
          fail(e);
        }
      }
    }
  }

  /** Runs one command; false when it was {@link Stop}. */
  private boolean execute(Command command) {
    if (command instanceof Stop stop) {
      closeQuietly();
      stop.done().countDown();
      return false;
    }
    try {
      if (failed) {
        return true;
      }
      if (command instanceof Start start) {
        file.start(start.resumedStep());
      } else if (command instanceof Append append) {
        file.append(append.row());
      } else if (command instanceof Flush) {
        file.flush();
      }
    } catch (IOException e) {
      fail(e);
    } finally {
      if (command instanceof Flush flush) {
        flush.done().countDown();
      }
    }
    return true;
  }

  /** A disk error switches the writer off (reported once); training is never affected. */
  private void fail(IOException e) {
    if (!failed) {
      failed = true;
      LOG.error("cannot write {}; no more rows will be written to it in this run", path, e);
    }
  }

  private void closeQuietly() {
    try {
      file.close();
    } catch (IOException e) {
      fail(e);
    }
  }
}
