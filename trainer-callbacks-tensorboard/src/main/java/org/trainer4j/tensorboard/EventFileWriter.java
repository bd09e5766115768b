package org.trainer4j.tensorboard;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.writer.BackgroundWriter;
import org.trainer4j.core.writer.WriterConfig;

/**
 * The writer thread of a {@link SummaryWriter}: core's {@link BackgroundWriter} with one event file.
 * A batch of handed-over values is encoded and appended to the file's buffered stream; a flush hands
 * the stream to the operating system; close closes the file. After a write error the base class logs
 * once and discards (and counts) whatever arrives, so no producer waits on a dead disk.
 */
final class EventFileWriter extends BackgroundWriter<Pending> {
  /** How long {@code close()} and the shutdown hook wait for the queue to be written. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();
  private static final ThreadFactory THREADS =
      r -> new Thread(r, "trainer4j-tensorboard-writer-" + THREAD_IDS.incrementAndGet());

  private final EventFile file;
  private final EventEncoder encoder = new EventEncoder();

  EventFileWriter(EventFile file, WriterOptions options, LongSupplier nanoClock) {
    super(WriterConfig.builder("tensorboard", options.fullQueuePolicy())
        .capacity(options.queueCapacity())
        .flushInterval(Duration.ofSeconds(options.flushSecs()))
        .closeTimeout(CLOSE_TIMEOUT)
        .threadFactory(THREADS)
        .itemNoun("events")
        .logger(LoggerFactory.getLogger(SummaryWriter.class))
        .nanoClock(nanoClock)
        .build());
    this.file = file;
  }

  /** Values the tag rules dropped; read after the thread ended. */
  long droppedByTagRules() {
    return encoder.droppedValues();
  }

  @Override
  protected void handle(List<Pending> batch) throws Exception {
    for (Pending item : batch) {
      encoder.encode(item, file::append);
    }
  }

  @Override
  protected void onFlush() throws Exception {
    file.flush();
  }

  @Override
  protected void onClose() throws Exception {
    file.close();
  }

  @Override
  public String toString() {
    return "TensorBoard event file " + file.path();
  }
}
