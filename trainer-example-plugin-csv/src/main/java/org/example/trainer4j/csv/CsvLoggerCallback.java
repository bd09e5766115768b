package org.example.trainer4j.csv;

import java.nio.file.Path;
import java.util.Map;
import org.trainer4j.core.state.TrainerControl;
import org.trainer4j.core.state.TrainerState;
import org.trainer4j.core.args.TrainingArguments;
import org.trainer4j.core.callback.CallbackContext;
import org.trainer4j.core.callback.LogKeys;
import org.trainer4j.core.callback.TrainerCallback;

/**
 * Writes every logged row, and the metrics of every prediction, to a CSV file: columns {@code step},
 * {@code epoch}, then the keys as {@link LogKeys#rewriteLogs} names them ({@code train/loss}, {@code
 * eval/accuracy}, {@code test/f1}, ...) in the order they first appear. A cell is empty where a row has
 * no value. The file opens directly in pandas ({@code pd.read_csv}) or a spreadsheet.
 *
 * <p>A new run replaces the file; a run resumed from a checkpoint keeps the rows up to the step it
 * resumes from. Only the world's process zero writes. The work happens on the thread of a {@link
 * org.trainer4j.core.writer.BackgroundWriter} with a bounded queue; the training thread only copies the
 * row. {@code onTrainEnd} and {@link #flush()} wait (at most 10 seconds) until the file holds everything
 * logged so far; core's shutdown hook closes the writer the same way when the JVM exits.
 */
public final class CsvLoggerCallback implements TrainerCallback, AutoCloseable {
  static final int DEFAULT_QUEUE_CAPACITY = 1024;

  private final Path file;
  private final int queueCapacity;
  private CsvFileWriter writer;
  private volatile boolean closed;

  /** A callback writing to this file (created with its folders when the first row comes). */
  public CsvLoggerCallback(Path file) {
    this(file, DEFAULT_QUEUE_CAPACITY);
  }

  CsvLoggerCallback(Path file, int queueCapacity) {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null: give the path of the CSV file to write");
    }
    this.file = file;
    this.queueCapacity = queueCapacity;
  }

  /** The file this callback writes. */
  public Path file() {
    return file;
  }

  @Override
  public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    if (state.isWorldProcessZero() && writer == null && !closed) {
      startWriter(state.globalStep());
    }
  }

  @Override
  public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    write(state, context.logs());
  }

  @Override
  public void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    write(state, context.metrics());
  }

  @Override
  public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control, CallbackContext context) {
    flush();
  }

  /** Waits (at most 10 seconds) until every row logged so far is in the file. */
  public synchronized void flush() {
    if (writer != null) {
      writer.flush(CsvFileWriter.TIMEOUT);
    }
  }

  /** Flushes, closes the file and ends the writer thread; later rows are ignored. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (writer != null) {
      writer.close();
    }
  }

  private void write(TrainerState state, Map<String, Object> values) {
    if (!state.isWorldProcessZero() || closed || values.isEmpty()) {
      return;
    }
    if (writer == null) {
      startWriter(0);
    }
    Map<String, Object> row = LogKeys.rewriteLogs(values);
    row.remove("train/" + MetricsCsvFile.EPOCH); // it has its own column
    writer.offer(new CsvRow(state.globalStep(), state.epoch(), row));
  }

  /** The writer starts with the first row or training; {@code resumedStep} > 0 continues an old file. */
  private synchronized void startWriter(int resumedStep) {
    writer = new CsvFileWriter(file, resumedStep, queueCapacity);
    writer.start();
  }

  /** Rows dropped because the writer fell behind (0 unless the disk stalled). */
  long droppedRows() {
    return writer == null ? 0 : writer.dropped();
  }
}
