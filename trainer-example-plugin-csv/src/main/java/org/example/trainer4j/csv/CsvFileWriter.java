package org.example.trainer4j.csv;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.trainer4j.core.writer.BackgroundWriter;
import org.trainer4j.core.writer.FullQueuePolicy;
import org.trainer4j.core.writer.WriterConfig;

/**
 * Writes rows to the file on a writer thread of its own ({@link BackgroundWriter} owns the thread, the
 * bounded queue, flushing, closing and the shutdown hook), so the training thread never waits on the
 * disk. When the queue is full (the disk has stalled for a long while), a row is dropped and counted
 * rather than blocking training; the count is logged at the next flush. A disk error is logged once and
 * switches the writing off; training is never affected.
 */
final class CsvFileWriter extends BackgroundWriter<CsvRow> {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Path path;
  private final MetricsCsvFile file;
  private final int resumedStep;

  /**
   * A writer of {@code path}; {@code resumedStep} > 0 keeps the file's rows up to that step (see
   * {@link MetricsCsvFile#start(int)}). Call {@link #start()} to begin.
   */
  CsvFileWriter(Path path, int resumedStep, int capacity) {
    super(WriterConfig.builder("csv", FullQueuePolicy.DROP_NEWEST).capacity(capacity).closeTimeout(TIMEOUT)
        .itemNoun("rows").build());
    this.path = path;
    this.file = new MetricsCsvFile(path);
    this.resumedStep = resumedStep;
  }

  @Override
  protected void onStart() throws IOException {
    file.start(resumedStep);
  }

  /** Appends the rows and hands them to the OS, once per batch. */
  @Override
  protected void handle(List<CsvRow> rows) throws IOException {
    for (CsvRow row : rows) {
      file.append(row);
    }
    file.flush();
  }

  @Override
  protected void onClose() throws IOException {
    file.close();
  }

  @Override
  public String toString() {
    return "CSV writer of " + path;
  }
}
