package org.trainer4j.tensorboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainer4j.core.writer.FullQueuePolicy;

/**
 * Writes one TensorBoard event file: scalars, text, histograms and an hparams session, read by
 * {@code tensorboard --logdir} without TensorFlow.
 *
 * <p><b>Cost.</b> An {@code add...} call validates and copies its arguments and puts one item on a
 * bounded queue; building the protobuf messages, checksums and file I/O happen on the writer's own
 * daemon thread (core's {@link org.trainer4j.core.writer.BackgroundWriter}), which drains the queue in
 * batches into one buffered stream. When the queue is full the caller waits ({@link
 * FullQueuePolicy#BLOCK}, the default) or the event is dropped and counted ({@link
 * FullQueuePolicy#DROP_NEWEST}).
 *
 * <p><b>When data reaches the file.</b> The header record at once (TensorBoard lists the run right
 * away); then every {@link WriterOptions#flushSecs()} seconds, on {@link #flush()}, {@link
 * #requestFlush()}, {@link #close()}, and from core's JVM shutdown hook if the writer was not closed. A
 * crash can cut the last record short; TensorBoard still reads every record before it.
 *
 * <p><b>Tags and steps.</b> Each tag belongs to one kind of data (scalar, text, histogram) and its
 * steps must strictly increase within a file: on a step that goes back, TensorBoard's Rust loader
 * drops the tag's points it read at or after that step, while its Python loader keeps both and draws
 * the curve backwards. A value whose step is not after the tag's last step is therefore dropped, with
 * one warning per tag. To write steps again after a restart, open a new writer and mark the restart
 * with {@link #addSessionStart(long)}. Scalars are stored as 32-bit floats, as TensorBoard reads them.
 *
 * <p>Thread-safe: any number of threads may add events. After {@link #close()} further events are
 * ignored (one warning) and counted in {@link #droppedEvents()}.
 */
public final class SummaryWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SummaryWriter.class);

  private final Path logDir;
  private final Path file;
  private final WriterOptions options;
  private final EventFileWriter writer;
  private final double startTime = nowSeconds();

  private SummaryWriter(Path logDir, EventFile eventFile, WriterOptions options, LongSupplier nanoClock) {
    this.logDir = logDir;
    this.file = eventFile.path();
    this.options = options;
    this.writer = new EventFileWriter(eventFile, options, nanoClock);
    writer.start();
  }

  /**
   * Creates {@code logDir} (and its parents) and a new event file in it, with default {@link
   * WriterOptions}.
   *
   * @throws UncheckedIOException when the folder or file cannot be created
   */
  public static SummaryWriter open(Path logDir) {
    return open(logDir, WriterOptions.defaults());
  }

  /**
   * Creates {@code logDir} (and its parents) and a new event file in it.
   *
   * @throws UncheckedIOException when the folder or file cannot be created
   */
  public static SummaryWriter open(Path logDir, WriterOptions options) {
    return open(logDir, options, EventFile.StreamOpener.FILES);
  }

  static SummaryWriter open(Path logDir, WriterOptions options, EventFile.StreamOpener opener) {
    return open(logDir, options, opener, System::nanoTime);
  }

  /** Opens with a stand-in disk and a stand-in clock for the timed flush (tests). */
  static SummaryWriter open(Path logDir, WriterOptions options, EventFile.StreamOpener opener,
      LongSupplier nanoClock) {
    if (logDir == null) {
      throw new IllegalArgumentException("logDir must be a folder path, got null");
    }
    if (options == null) {
      throw new IllegalArgumentException("options must be WriterOptions (e.g. WriterOptions.defaults()), got null");
    }
    try {
      return new SummaryWriter(logDir, EventFile.create(logDir, opener), options, nanoClock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a TensorBoard event file in " + logDir + ": " + e, e);
    }
  }

  /** The run folder given at open. */
  public Path logDir() {
    return logDir;
  }

  /** The event file this writer appends to. */
  public Path file() {
    return file;
  }

  /** The options this writer was opened with. */
  public WriterOptions options() {
    return options;
  }

  /** Adds a scalar (stored as a 32-bit float) at {@code step}, stamped with the current time. */
  public void addScalar(String tag, double value, long step) {
    addScalar(tag, value, step, nowSeconds());
  }

  /** Adds a scalar (stored as a 32-bit float) at {@code step} with a wall time in seconds since the epoch. */
  public void addScalar(String tag, double value, long step, double wallTimeSecs) {
    checkTag(tag);
    checkStep(step);
    checkWallTime(wallTimeSecs);
    handOver(new Pending.Scalar(tag, (float) value, step, wallTimeSecs));
  }

  /**
   * Adds several scalars at one step as a single event (one record for a whole log row). Each tag is
   * its own chart; this is not PyTorch's {@code add_scalars}, which makes one sub-run per key.
   */
  public void addScalars(Map<String, ? extends Number> scalars, long step) {
    if (scalars == null) {
      throw new IllegalArgumentException("scalars must be a map of tag to number, got null");
    }
    checkStep(step);
    String[] tags = new String[scalars.size()];
    float[] values = new float[tags.length];
    int i = 0;
    for (Map.Entry<String, ? extends Number> e : scalars.entrySet()) {
      checkTag(e.getKey());
      if (e.getValue() == null) {
        throw new IllegalArgumentException("scalar '" + e.getKey() + "' must be a number, got null");
      }
      tags[i] = e.getKey();
      values[i++] = e.getValue().floatValue();
    }
    if (tags.length > 0) {
      handOver(new Pending.Scalars(tags, values, step, nowSeconds()));
    }
  }

  /** {@link #addScalars(Map, long)} for callers that already hold checked tags in arrays they give up. */
  void addScalars(String[] tags, float[] values, long step) {
    checkStep(step);
    if (tags.length > 0) {
      handOver(new Pending.Scalars(tags, values, step, nowSeconds()));
    }
  }

  /** Adds a text, rendered by TensorBoard as Markdown, at {@code step}. */
  public void addText(String tag, String markdown, long step) {
    checkTag(tag);
    checkStep(step);
    if (markdown == null) {
      throw new IllegalArgumentException("text for tag '" + tag + "' must be a string, got null");
    }
    handOver(new Pending.Text(tag, markdown, step, nowSeconds()));
  }

  /**
   * Adds a histogram of {@code values} (copied) at {@code step}: 30 equal-width buckets between the
   * smallest and largest value, bucketed on the writer thread.
   *
   * @throws IllegalArgumentException when there are no values or one is NaN or infinite
   */
  public void addHistogram(String tag, double[] values, long step) {
    checkHistogram(tag, values == null ? 0 : values.length, step);
    double[] copy = values.clone();
    for (int i = 0; i < copy.length; i++) {
      checkFinite(tag, i, copy[i]);
    }
    handOver(new Pending.Histogram(tag, copy, step, nowSeconds()));
  }

  /** As {@link #addHistogram(String, double[], long)}, for float data such as {@code NDArray.toFloatArray()}. */
  public void addHistogram(String tag, float[] values, long step) {
    checkHistogram(tag, values == null ? 0 : values.length, step);
    double[] copy = new double[values.length];
    for (int i = 0; i < copy.length; i++) {
      checkFinite(tag, i, values[i]);
      copy[i] = values[i];
    }
    handOver(new Pending.Histogram(tag, copy, step, nowSeconds()));
  }

  /**
   * Marks that the run starts, or starts again, at {@code step} (a {@code SessionLog} START event, as
   * PyTorch's {@code SummaryWriter(purge_step=step)} writes). When TensorBoard's Python loader reads
   * such a mark after another one in the same run folder, it discards every point of the folder it
   * has read so far at {@code step} or later: what a run killed after its last checkpoint wrote, and
   * the resumed run writes again. The first mark of a folder only starts it. The Rust loader
   * (TensorBoard's default where it is installed) ignores the mark and replaces a tag's points as new
   * ones at the same or an earlier step arrive.
   *
   * <p>Write it first, in a new writer: within one file a tag's steps must still increase.
   */
  public void addSessionStart(long step) {
    checkStep(step);
    handOver(new Pending.SessionStart(step, nowSeconds()));
  }

  /**
   * Writes this run's hyperparameters and the metrics to show beside them in TensorBoard's HParams
   * dashboard (one session per run folder; a second call is dropped with a warning).
   *
   * <p>A metric tag this writer already wrote keeps its points, and the dashboard shows its last
   * one; a metric tag not written yet is written as a scalar at the highest step of the file.
   *
   * @param hparams names to values that are numbers, booleans, strings or enums
   * @param metrics scalar tags to numbers
   */
  public void addHparams(Map<String, ?> hparams, Map<String, ? extends Number> metrics) {
    if (hparams == null || metrics == null) {
      throw new IllegalArgumentException("hparams and metrics must be maps (possibly empty), got "
          + (hparams == null ? "hparams=null" : "metrics=null"));
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : hparams.entrySet()) {
      checkName("hparam", e.getKey());
      values.put(e.getKey(), hparamValue(e.getKey(), e.getValue()));
    }
    Map<String, Float> metricValues = new LinkedHashMap<>();
    for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
      checkTag(e.getKey());
      if (e.getValue() == null) {
        throw new IllegalArgumentException("metric '" + e.getKey() + "' must be a number, got null");
      }
      metricValues.put(e.getKey(), e.getValue().floatValue());
    }
    handOver(new Pending.Hparams(Collections.unmodifiableMap(values), Collections.unmodifiableMap(metricValues),
        startTime, nowSeconds()));
  }

  /**
   * Waits until every event added before this call is in the file and handed to the operating
   * system. Needs no room in the queue, whatever the {@link FullQueuePolicy}.
   *
   * @throws UncheckedIOException when the file could not be written
   */
  public void flush() {
    try {
      writer.flushAsync().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io
          ? new UncheckedIOException("cannot write TensorBoard event file " + file + ": " + io.getMessage(), io)
          : new UncheckedIOException(new IOException("cannot write TensorBoard event file " + file, cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asks the writer thread to write and flush what is queued, without waiting for it. */
  public void requestFlush() {
    writer.requestFlush();
  }

  /**
   * Events not written: dropped on a full queue ({@link FullQueuePolicy#DROP_NEWEST}), added after
   * {@link #close()}, or discarded after a write error. Values dropped by the tag rules are not counted
   * here (they are logged per tag).
   */
  public long droppedEvents() {
    return writer.dropped() + writer.discarded();
  }

  /**
   * Writes everything queued, flushes and closes the file, and ends the writer thread, waiting at most
   * 30 seconds for a stalled disk; logs how many events were not written, if any. Idempotent. Does not
   * throw: a write error was logged when it happened.
   */
  @Override
  public void close() {
    if (writer.isClosed()) {
      return;
    }
    if (writer.close(EventFileWriter.CLOSE_TIMEOUT)) {
      long byTagRules = writer.droppedByTagRules();
      if (byTagRules > 0) {
        LOG.warn("TensorBoard event file {}: {} values were dropped because their tag's step did not increase"
            + " (see the warning for each tag)", file, byTagRules);
      }
    }
  }

  private void handOver(Pending item) {
    writer.offer(item);
  }

  private static Object hparamValue(String name, Object v) {
    if (v instanceof Boolean || v instanceof String) {
      return v;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof CharSequence || v instanceof Enum<?>) {
      return v.toString();
    }
    throw new IllegalArgumentException("hparam '" + name + "' must be a number, boolean, string or enum, got "
        + (v == null ? "null" : v.getClass().getName() + " " + v));
  }

  private static void checkTag(String tag) {
    checkName("tag", tag);
  }

  private static void checkName(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(what + " must be a non-empty string, got "
          + (name == null ? "null" : "\"\""));
    }
  }

  private static void checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
  }

  private static void checkWallTime(double secs) {
    if (!(secs >= 0) || Double.isInfinite(secs)) {
      throw new IllegalArgumentException("wallTimeSecs must be finite seconds since the epoch (>= 0), got " + secs);
    }
  }

  private static void checkHistogram(String tag, int length, long step) {
    checkTag(tag);
    checkStep(step);
    if (length == 0) {
      throw new IllegalArgumentException("histogram '" + tag + "' needs at least one value, got none");
    }
  }

  private static void checkFinite(String tag, int index, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("histogram '" + tag + "' values must be finite, got " + v
          + " at index " + index);
    }
  }

  private static double nowSeconds() {
    return System.currentTimeMillis() / 1000.0;
  }
}
